package io.pgjcache.examples.hibernate;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Version;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/**
 * An entity cached READ_WRITE. Its soft locks live in the shared cache, but Hibernate makes each
 * lock, unlock and put-from-load step atomic only inside one JVM; see the README on what that means
 * for several nodes.
 */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Account {
  @Id
  private Long id;

  private String owner;

  private long balance;

  @Version
  private int version;

  protected Account() {
  }

  public Account(Long id, String owner, long balance) {
    this.id = id;
    this.owner = owner;
    this.balance = balance;
  }

  public Long getId() {
    return id;
  }

  public String getOwner() {
    return owner;
  }

  public long getBalance() {
    return balance;
  }

  public void setBalance(long balance) {
    this.balance = balance;
  }
}
