package io.pgjcache.examples.hibernate;

import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Version;

/** An owner's balance with a version: what {@link Account} and {@link Wallet} share, cached under two strategies. */
@MappedSuperclass
public abstract class Balance {
  @Id
  private Long id;

  private String owner;

  private long balance;

  @Version
  private int version;

  protected Balance() {
  }

  protected Balance(Long id, String owner, long balance) {
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
