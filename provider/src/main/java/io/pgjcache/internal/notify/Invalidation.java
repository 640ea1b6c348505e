package io.pgjcache.internal.notify;

import io.pgjcache.internal.codec.DigestKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One invalidation payload: {@code "<cache id> *"} (the whole cache) or {@code "<cache id> <base64 digest> ..."},
 * as the triggers write them.
 *
 * <p>A token that is not a 32-byte base64 digest is skipped and counted rather than failing the payload: the
 * triggers of tables an earlier version made also report rows an operator inserted with a primary key of another
 * length, which the provider can never look up there (so never near-caches), and the payload's other keys must still
 * be invalidated. (The triggers of this version name a primary key shorter than a digest by its SHA-256, so only
 * longer ones are skipped there.)
 *
 * @param cacheId the cache's registry id
 * @param keys    the changed keys, or null for every key of the cache
 * @param skipped tokens that were not digests
 */
record Invalidation(int cacheId, List<DigestKey> keys, int skipped) {
  private static final int DIGEST_BYTES = 32;

  /** @throws IllegalArgumentException if the payload names no cache, or nothing our triggers write */
  static Invalidation parse(String payload) {
    String[] parts = payload.split(" ", -1);
    if (parts.length < 2) {
      throw new IllegalArgumentException("no cache id and keys");
    }
    int cacheId;
    try {
      cacheId = Integer.parseInt(parts[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the cache id is not a number");
    }
    if (cacheId <= 0) {
      throw new IllegalArgumentException("the cache id is not positive");
    }
    if (parts.length == 2 && parts[1].equals("*")) {
      return new Invalidation(cacheId, null, 0);
    }
    List<DigestKey> keys = new ArrayList<>(parts.length - 1);
    Base64.Decoder decoder = Base64.getDecoder();
    for (int i = 1; i < parts.length; i++) {
      byte[] digest = digest(decoder, parts[i]);
      if (digest != null) {
        keys.add(new DigestKey(digest));
      }
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no key digest in it");
    }
    return new Invalidation(cacheId, List.copyOf(keys), parts.length - 1 - keys.size());
  }

  private static byte[] digest(Base64.Decoder decoder, String token) {
    try {
      byte[] digest = decoder.decode(token);
      return digest.length == DIGEST_BYTES ? digest : null;
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }
}
