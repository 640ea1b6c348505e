package io.pgjcache.internal.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import javax.security.sasl.SaslException;

/**
 * The client side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) as PostgreSQL uses it: no channel
 * binding (GS2 header {@code n,,}), and the server's signature is checked, so a server that does not know the
 * password cannot pass itself off as the database.
 *
 * <p>The password is prepared as PostgreSQL prepares it when it stores the verifier: an ASCII password is used
 * as it is; any other goes through SASLprep's mapping and NFKC normalisation, and if the result holds a
 * character that SASLprep prohibits the original is used instead. The prohibited characters are judged by
 * this JVM's Unicode character types, close to but not exactly SASLprep's Unicode 3.2 tables.
 *
 * <p>One instance serves one exchange, on one thread: {@link #clientFirstMessage()}, then {@link
 * #clientFinalMessage(String)}, then {@link #verifyServerFinal(String)}.
 */
final class ScramSha256 {
  static final String MECHANISM = "SCRAM-SHA-256";

  private static final String GS2_HEADER = "n,,";
  private static final int NONCE_BYTES = 18;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String user;
  private final String password;
  private final String clientNonce;
  private String clientFirstBare;
  private byte[] expectedServerSignature;

  ScramSha256(String user, String password) {
    this(user, password, newNonce());
  }

  /** With a given nonce, for test vectors. */
  ScramSha256(String user, String password, String clientNonce) {
    this.user = user;
    this.password = password;
    this.clientNonce = clientNonce;
  }

  /** {@code n,,n=<user>,r=<client nonce>}. */
  String clientFirstMessage() {
    clientFirstBare = "n=" + saslName(user) + ",r=" + clientNonce;
    return GS2_HEADER + clientFirstBare;
  }

  /**
   * The client's proof, computed from the server's first message ({@code r=...,s=...,i=...}).
   *
   * @throws SaslException if the server's message is malformed or its nonce does not extend ours
   */
  String clientFinalMessage(String serverFirst) throws SaslException {
    if (clientFirstBare == null) {
      throw new IllegalStateException("clientFirstMessage() comes first");
    }
    Map<Character, String> attributes = attributes(serverFirst);
    String nonce = attributes.get('r');
    String salt = attributes.get('s');
    String iterations = attributes.get('i');
    if (nonce == null || salt == null || iterations == null || attributes.containsKey('m')) {
      throw new SaslException("Unexpected SCRAM server-first message from the server");
    }
    if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
      throw new SaslException("The server's SCRAM nonce does not extend the client's");
    }
    int iterationCount;
    try {
      iterationCount = Integer.parseInt(iterations);
    } catch (NumberFormatException e) {
      throw new SaslException("The server sent a malformed SCRAM iteration count: " + iterations);
    }
    if (iterationCount < 1) {
      throw new SaslException("The server sent a malformed SCRAM iteration count: " + iterations);
    }

    String clientFinalWithoutProof =
        "c=" + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.US_ASCII)) + ",r=" + nonce;
    String authMessage = clientFirstBare + "," + serverFirst + "," + clientFinalWithoutProof;
    try {
      byte[] saltedPassword = saltedPassword(password, base64(salt), iterationCount);
      byte[] clientKey = hmac(saltedPassword, "Client Key");
      byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
      byte[] clientSignature = hmac(storedKey, authMessage);
      byte[] proof = new byte[clientKey.length];
      for (int i = 0; i < proof.length; i++) {
        proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
      }
      expectedServerSignature = hmac(hmac(saltedPassword, "Server Key"), authMessage);
      return clientFinalWithoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    } catch (GeneralSecurityException e) {
      throw new SaslException("SCRAM-SHA-256 is not available in this JVM", e);
    }
  }

  /**
   * Checks the server's final message ({@code v=<signature>}).
   *
   * @throws SaslException if the server reports an error or its signature is wrong
   */
  void verifyServerFinal(String serverFinal) throws SaslException {
    if (expectedServerSignature == null) {
      throw new IllegalStateException("clientFinalMessage(String) comes first");
    }
    Map<Character, String> attributes = attributes(serverFinal);
    if (attributes.containsKey('e')) {
      throw new SaslException("The server rejected the SCRAM exchange: " + attributes.get('e'));
    }
    String signature = attributes.get('v');
    if (signature == null || !MessageDigest.isEqual(expectedServerSignature, base64(signature))) {
      throw new SaslException("The server's SCRAM signature is wrong: it does not know the password");
    }
  }

  /** The key that PostgreSQL's verifier is built on: PBKDF2-HMAC-SHA-256 of the prepared password. */
  static byte[] saltedPassword(String password, byte[] salt, int iterations) throws GeneralSecurityException {
    PBEKeySpec spec = new PBEKeySpec(prepare(password).toCharArray(), salt, iterations, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } finally {
      spec.clearPassword();
    }
  }

  /** SASLprep (RFC 4013) as far as PostgreSQL relies on it; see the class comment. */
  static String prepare(String password) {
    if (password.chars().allMatch(c -> c < 0x80)) {
      return password;
    }
    StringBuilder mapped = new StringBuilder(password.length());
    password.codePoints().forEach(c -> {
      if (isNonAsciiSpace(c)) {
        mapped.append(' ');
      } else if (!isMappedToNothing(c)) {
        mapped.appendCodePoint(c);
      }
    });
    String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
    return normalized.codePoints().anyMatch(ScramSha256::isProhibited) || !bidiAllowed(normalized)
        ? password
        : normalized;
  }

  private static boolean isNonAsciiSpace(int c) {
    return c == 0x00A0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F
        || c == 0x3000;
  }

  private static boolean isMappedToNothing(int c) {
    return c == 0x00AD || c == 0x034F || c == 0x1806 || (c >= 0x180B && c <= 0x180D) || (c >= 0x200B && c <= 0x200D)
        || c == 0x2060 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF;
  }

  private static boolean isProhibited(int c) {
    int type = Character.getType(c);
    return c < 0x20 || c == 0x7F || type == Character.CONTROL || type == Character.PRIVATE_USE
        || type == Character.SURROGATE || type == Character.UNASSIGNED || type == Character.FORMAT
        || (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
  }

  /** RFC 3454 section 6: right-to-left text must not mix with left-to-right and must begin and end with it. */
  private static boolean bidiAllowed(String text) {
    boolean anyRightToLeft = text.codePoints().anyMatch(ScramSha256::isRightToLeft);
    if (!anyRightToLeft) {
      return true;
    }
    boolean anyLeftToRight =
        text.codePoints().anyMatch(c -> Character.getDirectionality(c) == Character.DIRECTIONALITY_LEFT_TO_RIGHT);
    return !anyLeftToRight && isRightToLeft(text.codePointAt(0))
        && isRightToLeft(text.codePointBefore(text.length()));
  }

  private static boolean isRightToLeft(int c) {
    byte direction = Character.getDirectionality(c);
    return direction == Character.DIRECTIONALITY_RIGHT_TO_LEFT
        || direction == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
  }

  private static byte[] hmac(byte[] key, String message) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
  }

  /** RFC 5802 saslname: ',' and '=' escaped. PostgreSQL ignores the name and uses the startup user. */
  private static String saslName(String name) {
    return name.replace("=", "=3D").replace(",", "=2C");
  }

  private static Map<Character, String> attributes(String message) throws SaslException {
    Map<Character, String> attributes = new HashMap<>();
    for (String part : message.split(",")) {
      if (part.length() < 2 || part.charAt(1) != '=') {
        throw new SaslException("Malformed SCRAM message from the server");
      }
      attributes.putIfAbsent(part.charAt(0), part.substring(2));
    }
    return attributes;
  }

  private static byte[] base64(String text) throws SaslException {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new SaslException("Malformed base64 in a SCRAM message from the server");
    }
  }

  private static String newNonce() {
    byte[] bytes = new byte[NONCE_BYTES];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
