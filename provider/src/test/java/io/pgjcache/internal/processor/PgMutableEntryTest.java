package io.pgjcache.internal.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgjcache.internal.processor.PgMutableEntry.Outcome;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import javax.cache.integration.CacheLoader;
import org.junit.jupiter.api.Test;

class PgMutableEntryTest {
  private static final Function<RuntimeException, RuntimeException> AS_IS = e -> e;

  /** Loads every key as "loaded". */
  private static final CacheLoader<String, String> LOADER = new CacheLoader<>() {
    @Override
    public String load(String key) {
      return "loaded";
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> loaded = new HashMap<>();
      keys.forEach(key -> loaded.put(key, load(key)));
      return loaded;
    }
  };

  @Test
  void remove_ofAnAbsentEntry_isARemoval_soTheWriterIsAskedToDelete() {
    PgMutableEntry<String, String> entry = new PgMutableEntry<>("k", null, null, AS_IS);

    entry.remove();

    assertThat(entry.outcome()).isEqualTo(Outcome.REMOVED);
    assertThat(entry.exists()).isFalse();
  }

  @Test
  void remove_afterCreatingInTheSameInvocation_leavesNothingToDo() {
    PgMutableEntry<String, String> entry = new PgMutableEntry<>("k", null, null, AS_IS);

    entry.setValue("v");
    entry.remove();

    assertThat(entry.outcome()).isEqualTo(Outcome.NONE);
  }

  @Test
  void remove_afterLoadingInTheSameInvocation_leavesNothingToDo() {
    PgMutableEntry<String, String> entry = new PgMutableEntry<>("k", null, LOADER, AS_IS);

    assertThat(entry.getValue()).isEqualTo("loaded");
    entry.remove();

    assertThat(entry.outcome()).isEqualTo(Outcome.NONE);
  }

  @Test
  void remove_afterUpdatingAnExistingEntry_isARemoval() {
    PgMutableEntry<String, String> entry = new PgMutableEntry<>("k", "old", null, AS_IS);

    entry.setValue("new");
    entry.remove();

    assertThat(entry.outcome()).isEqualTo(Outcome.REMOVED);
  }

  @Test
  void setValue_afterRemovingAnExistingEntry_isAnUpdate() {
    PgMutableEntry<String, String> entry = new PgMutableEntry<>("k", "old", null, AS_IS);

    entry.remove();
    entry.setValue("new");

    assertThat(entry.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(entry.value()).isEqualTo("new");
  }
}
