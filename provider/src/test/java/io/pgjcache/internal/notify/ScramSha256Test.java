package io.pgjcache.internal.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.security.sasl.SaslException;
import org.junit.jupiter.api.Test;

class ScramSha256Test {
  // RFC 7677, section 3.
  private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
  private static final String SERVER_FIRST =
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
  private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

  @Test
  void exchange_matchesTheRfc7677TestVector() throws Exception {
    ScramSha256 scram = new ScramSha256("user", "pencil", CLIENT_NONCE);

    assertThat(scram.clientFirstMessage()).isEqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    assertThat(scram.clientFinalMessage(SERVER_FIRST)).isEqualTo(
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    assertThatCode(() -> scram.verifyServerFinal(SERVER_FINAL)).doesNotThrowAnyException();
  }

  @Test
  void verifyServerFinal_rejectsAServerThatDoesNotKnowThePassword() throws Exception {
    ScramSha256 scram = new ScramSha256("user", "not pencil", CLIENT_NONCE);
    scram.clientFirstMessage();
    scram.clientFinalMessage(SERVER_FIRST);

    assertThatThrownBy(() -> scram.verifyServerFinal(SERVER_FINAL))
        .isInstanceOf(SaslException.class)
        .hasMessageContaining("signature is wrong");
  }

  @Test
  void verifyServerFinal_rejectsASignatureThatDiffersInItsLastBytes() throws Exception {
    ScramSha256 scram = new ScramSha256("user", "pencil", CLIENT_NONCE);
    scram.clientFirstMessage();
    scram.clientFinalMessage(SERVER_FIRST);

    assertThatThrownBy(() -> scram.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjRQh2k="))
        .isInstanceOf(SaslException.class);
  }

  @Test
  void verifyServerFinal_reportsTheServersError() throws Exception {
    ScramSha256 scram = new ScramSha256("user", "pencil", CLIENT_NONCE);
    scram.clientFirstMessage();
    scram.clientFinalMessage(SERVER_FIRST);

    assertThatThrownBy(() -> scram.verifyServerFinal("e=invalid-proof"))
        .isInstanceOf(SaslException.class)
        .hasMessageContaining("invalid-proof");
  }

  @Test
  void clientFinalMessage_rejectsANonceThatDoesNotExtendTheClients() {
    ScramSha256 scram = new ScramSha256("user", "pencil", CLIENT_NONCE);
    scram.clientFirstMessage();

    assertThatThrownBy(() -> scram.clientFinalMessage("r=someoneElsesNonce,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
        .isInstanceOf(SaslException.class)
        .hasMessageContaining("nonce");
    assertThatThrownBy(() -> scram.clientFinalMessage("r=" + CLIENT_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
        .isInstanceOf(SaslException.class)
        .hasMessageContaining("nonce");
  }

  @Test
  void clientFinalMessage_rejectsAMalformedServerMessage() {
    ScramSha256 scram = new ScramSha256("user", "pencil", CLIENT_NONCE);
    scram.clientFirstMessage();

    assertThatThrownBy(() -> scram.clientFinalMessage("r=" + CLIENT_NONCE + "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0"))
        .isInstanceOf(SaslException.class);
    assertThatThrownBy(() -> scram.clientFinalMessage("garbage")).isInstanceOf(SaslException.class);
  }

  @Test
  void clientFirstMessage_escapesCommaAndEqualsInTheUserName() {
    assertThat(new ScramSha256("a,b=c", "pencil", CLIENT_NONCE).clientFirstMessage())
        .isEqualTo("n,,n=a=2Cb=3Dc,r=" + CLIENT_NONCE);
  }

  @Test
  void randomNonces_differ() {
    assertThat(new ScramSha256("user", "pencil").clientFirstMessage())
        .isNotEqualTo(new ScramSha256("user", "pencil").clientFirstMessage());
  }

  /*
   * Verifiers that PostgreSQL 15 stored for ALTER ROLE ... PASSWORD U&'...': the server prepares a non-ASCII
   * password with SASLprep before hashing it, so a client that does not prepare it the same way is refused.
   */

  @Test
  void nonAsciiPassword_isMappedAndNormalized_asPostgresqlDoes() throws Exception {
    // U&'ma\0308dchen\00a0pa\00adss': combining umlaut, no-break space, soft hyphen
    String verifier = "SCRAM-SHA-256$4096:yWlPX1dPwQ6kABsyrsbc7Q==$0ptAhuHzfnvaPVpUv1bdImqmhXAGZwJj5H88j2mOwYY="
        + ":8mdn/g7LeviusqAU2UUAiiXbQ0wBP/bDLTk/29ADMFE=";

    assertThat(storedKeyFromVerifierSalt(verifier, "ma\u0308dchen\u00a0pa\u00adss")).isEqualTo(storedKey(verifier));
    assertThat(storedKeyFromVerifierSalt(verifier, "m\u00e4dchen pass")).isEqualTo(storedKey(verifier));
  }

  @Test
  void passwordWithAProhibitedCharacter_isUsedUnprepared_asPostgresqlDoes() throws Exception {
    // U&'a\0308\e000b': a private-use character makes SASLprep fail, so the raw password counts
    String verifier = "SCRAM-SHA-256$4096:7Cr9o47rXAmjNKkX5U/2lg==$qWOClyFR/lxP+J3Xt4U/GpEMb35gEj0y6ZMFDSJEtrY="
        + ":IePv0ZEiXPAD0oVfVrRSlyGIpzTChH6m00PuFTd1Mag=";

    assertThat(storedKeyFromVerifierSalt(verifier, "a\u0308\ue000b")).isEqualTo(storedKey(verifier));
    assertThat(storedKeyFromVerifierSalt(verifier, "\u00e4\ue000b")).isNotEqualTo(storedKey(verifier));
  }

  @Test
  void asciiPassword_isUsedAsItIs() {
    assertThat(ScramSha256.prepare("pa ss\tword")).isEqualTo("pa ss\tword");
  }

  /** StoredKey = SHA-256(HMAC(SaltedPassword, "Client Key")), with the verifier's salt and iterations. */
  private static byte[] storedKeyFromVerifierSalt(String verifier, String password) throws Exception {
    String[] parts = verifier.substring("SCRAM-SHA-256$".length()).split("[$:]");
    int iterations = Integer.parseInt(parts[0]);
    byte[] salt = Base64.getDecoder().decode(parts[1]);
    byte[] salted = ScramSha256.saltedPassword(password, salt, iterations);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(salted, "HmacSHA256"));
    byte[] clientKey = mac.doFinal("Client Key".getBytes(StandardCharsets.US_ASCII));
    return MessageDigest.getInstance("SHA-256").digest(clientKey);
  }

  private static byte[] storedKey(String verifier) {
    return Base64.getDecoder().decode(verifier.split("[$:]")[3]);
  }
}
