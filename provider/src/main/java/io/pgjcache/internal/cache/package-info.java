/**
 * What a cache does below the JCache rules that {@code io.pgjcache.PgCache} keeps. Following one key:
 *
 * <ul>
 *   <li>{@link io.pgjcache.internal.cache.CacheFactory} decides what a cache gets (expiry rules, loader and writer
 *       or their null objects, near cache, store-by-reference, cluster events) and hands it over as
 *       {@link io.pgjcache.internal.cache.CacheResources}, which the cache attaches to itself and closes once. The
 *       resources bind to the cache's table (registry id and table name) when the manager opens the cache, or, if
 *       the database was down then, on first use once it is back; only then is there an
 *       {@link io.pgjcache.internal.cache.EntryEngine}, and only then does the cache subscribe to notifications.</li>
 *   <li>Reads go through {@link io.pgjcache.internal.cache.EntryReader}: near copy first, then the table.</li>
 *   <li>Single-key changes share {@link io.pgjcache.internal.cache.KeyChanges} (encode, fast path or locked change,
 *       count as the {@link io.pgjcache.internal.cache.ChangeKind} says); the locked change is
 *       {@link io.pgjcache.internal.cache.EntryEngine#compute}, which hands the work a
 *       {@link io.pgjcache.internal.cache.LockedEntry}. The engine also holds the fast paths that need no read
 *       first, whose concurrent calls go together through {@link io.pgjcache.internal.cache.GroupCommit}, and the
 *       expiry sweep.</li>
 *   <li>{@link io.pgjcache.internal.cache.EntryIterator} pages through the table.</li>
 *   <li>The manager's LISTEN connection feeds a {@link io.pgjcache.internal.cache.NotificationRouter}; each open
 *       cache subscribes by its registry id (invalidations for its near cache, other nodes' entry events).</li>
 * </ul>
 *
 * <p>Nothing here knows the provider's API classes: the cache is a {@link javax.cache.Cache} (the source of its
 * events), its configuration a {@link javax.cache.configuration.CompleteConfiguration}.
 */
package io.pgjcache.internal.cache;
