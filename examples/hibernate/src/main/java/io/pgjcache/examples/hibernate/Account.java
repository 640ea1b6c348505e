package io.pgjcache.examples.hibernate;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/**
 * An entity cached READ_WRITE. With hibernate-jcache's region factory its soft locks live in the shared cache, but
 * each lock, unlock and put-from-load step is atomic only inside one JVM; pgjcache's region factory
 * ({@code pgjcache-hibernate}) makes them atomic across nodes. See the README.
 */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Account extends Balance {
  protected Account() {
  }

  public Account(Long id, String owner, long balance) {
    super(id, owner, balance);
  }
}
