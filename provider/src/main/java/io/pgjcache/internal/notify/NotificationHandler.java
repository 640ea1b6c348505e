package io.pgjcache.internal.notify;

/**
 * Receives each notification of a {@link ListenConnection} the moment it is read, on the thread that runs
 * {@link ListenConnection#run}. It should be quick: the next message is read only when it returns.
 */
@FunctionalInterface
public interface NotificationHandler {

  /**
   * @param channel   the channel name exactly as the server reports it
   * @param payload   the payload, empty when the sender gave none
   * @param senderPid process id of the sending session's backend; compare with {@link
   *                  ListenConnection#backendPid()} to recognise notifications of the listening session itself
   */
  void onNotification(String channel, String payload, int senderPid);
}
