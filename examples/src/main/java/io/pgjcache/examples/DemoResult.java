package io.pgjcache.examples;

import java.time.Duration;
import java.util.List;

/**
 * What the demo observed, as facts a test can check.
 *
 * @param readOnB            what node B read after node A's put
 * @param readOnAAfterUpdate what node A read after node B's update
 * @param codeBeforeExpiry   the expiring entry as node B read it right after the put
 * @param codeExpiresAt      the expiring entry's {@code expires_at} in its table (epoch ms)
 * @param codeGoneAfter      time from just before the put until node B no longer saw the entry;
 *                           {@code null} if it was still there when the demo stopped waiting
 * @param registry           the rows of {@code <schema>.caches}
 * @param usersTable         the qualified table name of the users cache
 * @param usersPersistence   {@code pg_class.relpersistence} of that table
 * @param usersRows          the rows of that table
 */
record DemoResult(
    UserProfile readOnB,
    UserProfile readOnAAfterUpdate,
    String codeBeforeExpiry,
    Long codeExpiresAt,
    Duration codeGoneAfter,
    List<TableInspector.RegistryRow> registry,
    String usersTable,
    String usersPersistence,
    List<TableInspector.EntryRow> usersRows) {
}
