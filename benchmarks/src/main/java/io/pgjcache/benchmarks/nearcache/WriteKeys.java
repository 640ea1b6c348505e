package io.pgjcache.benchmarks.nearcache;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The keys and values of {@link WriteCost}, also {@linkplain StoredForm as pgjcache stores them}, so that the raw
 * JDBC writers send exactly the bytes pgjcache sends, prepared in advance.
 */
final class WriteKeys {
  static final int KEYS = 10_000;
  static final int VALUE_LENGTH = 100;

  final String[] keys = new String[KEYS];
  final String[] values = new String[KEYS];
  final byte[][] keyBytes = new byte[KEYS][];
  final byte[][] valueBytes = new byte[KEYS][];
  final byte[][] digests = new byte[KEYS][];
  /** Each key's primary key in a pgjcache table. */
  final byte[][] rowKeys = new byte[KEYS][];
  /** The keys and values as a hand-written application on the plain table stores them: UTF-8 bytes. */
  final byte[][] plainKeys = new byte[KEYS][];
  final byte[][] plainValues = new byte[KEYS][];

  WriteKeys() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "session:" + i;
      char[] chars = new char[VALUE_LENGTH];
      for (int c = 0; c < VALUE_LENGTH; c++) {
        chars[c] = (char) ('a' + random.nextInt(26));
      }
      values[i] = new String(chars);
      keyBytes[i] = StoredForm.encode(keys[i]);
      valueBytes[i] = StoredForm.encode(values[i]);
      digests[i] = StoredForm.digest(keyBytes[i]);
      rowKeys[i] = StoredForm.rowKey(keyBytes[i]);
      plainKeys[i] = keys[i].getBytes(StandardCharsets.UTF_8);
      plainValues[i] = values[i].getBytes(StandardCharsets.UTF_8);
    }
  }

  /** The per-key half of the advisory lock, drawn from the digest as pgjcache draws it. */
  static int lockKey(byte[] digest) {
    return (digest[0] & 0xff) << 24 | (digest[1] & 0xff) << 16 | (digest[2] & 0xff) << 8 | (digest[3] & 0xff);
  }
}
