package io.pgjcache.examples.hibernate;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/**
 * An entity cached TRANSACTIONAL. With pgjcache's region factory ({@code pgjcache-hibernate}) its cache writes run
 * on the session's own connection, so they commit or roll back with the entity's row.
 */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.TRANSACTIONAL)
public class Wallet extends Balance {
  protected Wallet() {
  }

  public Wallet(Long id, String owner, long balance) {
    super(id, owner, balance);
  }
}
