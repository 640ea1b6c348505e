package io.pgjcache.benchmarks.hibernate;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Version;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/** The measured entity, once per cache concurrency strategy: a versioned balance, each in a table of its own. */
public final class Ledgers {
  private Ledgers() {
  }

  /** What every variant holds. */
  @MappedSuperclass
  public abstract static class Ledger {
    @Id
    private Long id;

    private long balance;

    @Version
    private int version;

    protected Ledger() {
    }

    public void setId(long id) {
      this.id = id;
    }

    public long getBalance() {
      return balance;
    }

    public void setBalance(long balance) {
      this.balance = balance;
    }
  }

  /** Not in the second-level cache: the reference. */
  @Entity
  public static class Uncached extends Ledger {
  }

  @Entity
  @Cacheable
  @Cache(usage = CacheConcurrencyStrategy.NONSTRICT_READ_WRITE)
  public static class Nonstrict extends Ledger {
  }

  @Entity
  @Cacheable
  @Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
  public static class ReadWrite extends Ledger {
  }

  @Entity
  @Cacheable
  @Cache(usage = CacheConcurrencyStrategy.TRANSACTIONAL)
  public static class Transactional extends Ledger {
  }
}
