CREATE TABLE IF NOT EXISTS books (
  isbn  text PRIMARY KEY,
  title text NOT NULL,
  stock integer NOT NULL
);
