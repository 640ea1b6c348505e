package io.pgjcache.internal.event;

import io.pgjcache.internal.store.Notifications;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.cache.event.EventType;

/**
 * Carries entry events of one cache to the other nodes, for listeners that want to hear changes made
 * anywhere. The writing node adds the events to its own transaction as notifications, so they are
 * delivered exactly when the change commits and never for a rolled-back one.
 *
 * <p>Payload: {@code "<cache id> <sender> <C|U|R|E> <key> <value> <old value>"}, the sender a node id (for the
 * other nodes), {@code +<node id>} (for every node) or {@code @<node id>} (for that node alone), each part base64 or
 * {@code -} for none. PostgreSQL limits a payload to 8000 bytes: an event whose values do not fit goes out
 * without them (receivers then read the current value), and one whose key alone does not fit is not sent.
 */
public final class ClusterEvents {
  /** An event as bytes, ready to send. */
  public record Outgoing(EventType type, byte[] key, byte[] value, byte[] oldValue) {
  }

  /** An event as received from another node; values may be missing (see the class comment). */
  public record Incoming(EventType type, byte[] key, byte[] value, byte[] oldValue) {
  }

  private static final int MAX_PAYLOAD = 7_900;
  private static final String NONE = "-";
  /** Before a node id: the event is for every node, its sender included. Node ids are hexadecimal. */
  private static final String EVERYONE = "+";
  /** Before a node id: the event is for its sender alone. */
  private static final String SENDER_ONLY = "@";

  private final int cacheId;
  private final String nodeId;
  private final String channel;

  public ClusterEvents(int cacheId, String nodeId, String channel) {
    this.cacheId = cacheId;
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.channel = Objects.requireNonNull(channel, "channel");
  }

  /**
   * A publisher whose events the sending node hears too, once they are delivered: for changes made in a caller's
   * transaction, which this node's listeners may hear only when it commits, as other nodes' listeners do.
   *
   * @param othersToo whether other nodes hear them as well (else they are addressed to the sender alone)
   */
  public ClusterEvents heardBySender(boolean othersToo) {
    return new ClusterEvents(cacheId, (othersToo ? EVERYONE : SENDER_ONLY) + nodeId, channel);
  }

  /** Adds the events to the connection's current transaction, in one round trip. */
  public void publish(Connection connection, List<Outgoing> events) throws SQLException {
    List<String> payloads = new ArrayList<>(events.size());
    for (Outgoing event : events) {
      encode(event).ifPresent(payloads::add);
    }
    Notifications.send(connection, channel, payloads);
  }

  Optional<String> encode(Outgoing event) {
    String head = cacheId + " " + nodeId + " " + code(event.type()) + " " + base64(event.key());
    String full = head + " " + base64(event.value()) + " " + base64(event.oldValue());
    if (full.length() <= MAX_PAYLOAD) {
      return Optional.of(full);
    }
    String keyOnly = head + " " + NONE + " " + NONE;
    return keyOnly.length() <= MAX_PAYLOAD ? Optional.of(keyOnly) : Optional.empty();
  }

  /**
   * The event in a payload, unless it is not for {@code ownNodeId}: a node tells its own listeners of the changes it
   * made itself, except those made in a caller's transaction (see {@link #heardBySender}). Any
   * database user can send one: the bytes it carries are decoded later by the cache's codec, under the same
   * rules as a row's.
   *
   * @throws IllegalArgumentException if the payload is not one {@link #publish} writes
   */
  public static Optional<Incoming> decode(String payload, String ownNodeId) {
    String[] parts = payload.split(" ", -1);
    if (parts.length != 6) {
      throw new IllegalArgumentException("an event has 6 fields, this payload " + parts.length);
    }
    if (!isFor(parts[1], ownNodeId)) {
      return Optional.empty();
    }
    EventType type = switch (parts[2]) {
      case "C" -> EventType.CREATED;
      case "U" -> EventType.UPDATED;
      case "R" -> EventType.REMOVED;
      case "E" -> EventType.EXPIRED;
      default -> throw new IllegalArgumentException("unknown event type");
    };
    byte[] key = bytes(parts[3], "key");
    if (key == null) {
      throw new IllegalArgumentException("an event names its key");
    }
    return Optional.of(new Incoming(type, key, bytes(parts[4], "value"), bytes(parts[5], "old value")));
  }

  /** Whether an event whose sender field is {@code sender} is for the node {@code ownNodeId}. */
  private static boolean isFor(String sender, String ownNodeId) {
    if (sender.startsWith(SENDER_ONLY)) {
      return sender.substring(1).equals(ownNodeId);
    }
    return sender.startsWith(EVERYONE) || !sender.equals(ownNodeId);
  }

  /** The cache id a payload is for, or -1. */
  public static int cacheIdOf(String payload) {
    int space = payload.indexOf(' ');
    try {
      return space <= 0 ? -1 : Integer.parseInt(payload.substring(0, space));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String code(EventType type) {
    return switch (type) {
      case CREATED -> "C";
      case UPDATED -> "U";
      case REMOVED -> "R";
      case EXPIRED -> "E";
    };
  }

  private static String base64(byte[] bytes) {
    return bytes == null ? NONE : Base64.getEncoder().encodeToString(bytes);
  }

  private static byte[] bytes(String part, String what) {
    if (part.equals(NONE)) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the " + what + " is not base64", e);
    }
  }
}
