-- Carts, orders and payments. A checkout makes one order group (what the
-- shopper paid or will pay) with one order per producer (what each producer
-- fulfils). Money is integer đồng. Stock is taken by a conditional update of
-- product.stock (CHECK stock >= 0), never read-then-write.

-- +goose Up
-- a producer's bank account (VietQR transfers) and shipping fee: a flat fee
-- per order, free from a subtotal the producer sets (NULL: never free)
ALTER TABLE producer
  ADD COLUMN bank_bin               text CHECK (bank_bin ~ '^[0-9]{6}$'),
  ADD COLUMN bank_account_no        text CHECK (bank_account_no ~ '^[0-9A-Za-z]{1,19}$'),
  ADD COLUMN bank_account_name      text CHECK (length(bank_account_name) <= 100),
  ADD COLUMN shipping_fee_vnd       bigint NOT NULL DEFAULT 30000 CHECK (shipping_fee_vnd BETWEEN 0 AND 5000000),
  ADD COLUMN free_shipping_from_vnd bigint CHECK (free_shipping_from_vnd BETWEEN 0 AND 1000000000),
  ADD CONSTRAINT producer_bank_complete CHECK ((bank_bin IS NULL) = (bank_account_no IS NULL));

-- A cart belongs to a signed-in user or to a guest's cookie (its SHA-256).
CREATE TABLE cart (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id     bigint UNIQUE REFERENCES app_user (id) ON DELETE CASCADE,
  token_hash  bytea UNIQUE,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((user_id IS NULL) <> (token_hash IS NULL))
);
CREATE INDEX cart_guest_age ON cart (updated_at) WHERE user_id IS NULL;
CREATE TABLE cart_line (
  cart_id     bigint NOT NULL REFERENCES cart (id) ON DELETE CASCADE,
  product_id  bigint NOT NULL REFERENCES product (id) ON DELETE CASCADE,
  quantity    integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
  added_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cart_id, product_id)
);

CREATE TABLE order_group (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code             text NOT NULL UNIQUE CHECK (code ~ '^OCOP[0-9A-Z]{8}$'),
  user_id          bigint REFERENCES app_user (id) ON DELETE SET NULL,
  -- a client's Idempotency-Key (hashed) and a hash of what it asked for
  idempotency_key  bytea UNIQUE,
  request_hash     bytea,
  buyer_name       text NOT NULL CHECK (buyer_name <> '' AND length(buyer_name) <= 100 AND buyer_name IS NFC NORMALIZED),
  buyer_phone      text NOT NULL CHECK (buyer_phone ~ '^\+84[0-9]{9,10}$'),
  buyer_email      text NOT NULL DEFAULT '' CHECK (length(buyer_email) <= 254),
  province_code    char(2) NOT NULL REFERENCES province (code),
  commune_code     char(5) NOT NULL REFERENCES commune (code),
  address          text NOT NULL CHECK (address <> '' AND length(address) <= 300 AND address IS NFC NORMALIZED),
  note             text NOT NULL DEFAULT '' CHECK (length(note) <= 1000 AND note IS NFC NORMALIZED),
  payment_method   text NOT NULL CHECK (payment_method IN ('cod', 'vietqr', 'card')),
  total_vnd        bigint NOT NULL CHECK (total_vnd >= 0),
  -- unpaid card and VietQR orders release their stock after this
  pay_by           timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_group_user ON order_group (user_id, created_at DESC) WHERE user_id IS NOT NULL;
CREATE INDEX order_group_phone ON order_group (buyer_phone, created_at DESC);

CREATE TABLE shop_order (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  group_id           bigint NOT NULL REFERENCES order_group (id),
  code               text NOT NULL UNIQUE,
  producer_id        bigint NOT NULL REFERENCES producer (id),
  status             text NOT NULL CHECK (status IN ('pending_payment', 'cod_pending', 'paid', 'confirmed',
                       'shipped', 'delivered', 'completed', 'cancelled', 'refunded')),
  subtotal_vnd       bigint NOT NULL CHECK (subtotal_vnd >= 0),
  shipping_vnd       bigint NOT NULL CHECK (shipping_vnd >= 0),
  total_vnd          bigint NOT NULL CHECK (total_vnd = subtotal_vnd + shipping_vnd),
  -- the platform's commission when the order was placed, in basis points
  commission_bp      integer NOT NULL DEFAULT 0 CHECK (commission_bp BETWEEN 0 AND 10000),
  carrier            text NOT NULL DEFAULT '' CHECK (length(carrier) <= 100),
  tracking_no        text NOT NULL DEFAULT '' CHECK (length(tracking_no) <= 100),
  cancel_reason      text NOT NULL DEFAULT '' CHECK (length(cancel_reason) <= 500),
  cancelled_by       text CHECK (cancelled_by IN ('shopper', 'producer', 'staff', 'system')),
  cash_collected_vnd bigint CHECK (cash_collected_vnd >= 0),
  refunded_vnd       bigint NOT NULL DEFAULT 0 CHECK (refunded_vnd >= 0),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  paid_at            timestamptz,
  confirmed_at       timestamptz,
  shipped_at         timestamptz,
  delivered_at       timestamptz,
  completed_at       timestamptz,
  cancelled_at       timestamptz
);
CREATE INDEX shop_order_group ON shop_order (group_id);
CREATE INDEX shop_order_producer ON shop_order (producer_id, created_at DESC);

CREATE TABLE order_item (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id        bigint NOT NULL REFERENCES shop_order (id) ON DELETE CASCADE,
  -- the product may be deleted later: the order keeps its name and price
  product_id      bigint REFERENCES product (id) ON DELETE SET NULL,
  product_slug    text NOT NULL,
  product_name    text NOT NULL,
  unit            text NOT NULL DEFAULT '',
  unit_price_vnd  bigint NOT NULL CHECK (unit_price_vnd >= 0),
  quantity        integer NOT NULL CHECK (quantity > 0)
);
CREATE INDEX order_item_order ON order_item (order_id);

-- One payment per order group. Stripe ids and VietQR details are recorded
-- here; every amount received is checked against amount_vnd.
CREATE TABLE payment (
  id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  group_id               bigint NOT NULL UNIQUE REFERENCES order_group (id),
  method                 text NOT NULL CHECK (method IN ('cod', 'vietqr', 'card')),
  status                 text NOT NULL CHECK (status IN ('cod', 'pending', 'failed', 'paid', 'needs_review', 'refunded', 'expired')),
  amount_vnd             bigint NOT NULL CHECK (amount_vnd >= 0),
  received_vnd           bigint NOT NULL DEFAULT 0 CHECK (received_vnd >= 0),
  refunded_vnd           bigint NOT NULL DEFAULT 0 CHECK (refunded_vnd >= 0),
  -- who the money goes to: the platform's account, or the one producer's
  payee                  text NOT NULL DEFAULT 'platform' CHECK (payee IN ('platform', 'producer')),
  bank_bin               text,
  bank_account_no        text,
  bank_account_name      text,
  attempt                integer NOT NULL DEFAULT 1,
  stripe_session_id      text UNIQUE,
  stripe_payment_intent  text UNIQUE,
  checkout_url           text,
  review_reason          text NOT NULL DEFAULT '',
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  paid_at                timestamptz
);
CREATE INDEX payment_open ON payment (status, created_at) WHERE status IN ('pending', 'failed');

-- Each provider event (a Stripe event, a bank notification) takes effect
-- once: its id is recorded in the transaction of its effect.
CREATE TABLE payment_event (
  provider     text NOT NULL CHECK (provider IN ('stripe', 'bank', 'reconcile', 'staff')),
  event_id     text NOT NULL CHECK (length(event_id) BETWEEN 1 AND 200),
  type         text NOT NULL,
  group_id     bigint REFERENCES order_group (id),
  amount_vnd   bigint,
  effect       text NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, event_id)
);

-- The platform's settings: commission and its own bank account.
CREATE TABLE marketplace_setting (
  singleton          boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  commission_bp      integer NOT NULL DEFAULT 0 CHECK (commission_bp BETWEEN 0 AND 5000),
  bank_bin           text CHECK (bank_bin ~ '^[0-9]{6}$'),
  bank_account_no    text CHECK (bank_account_no ~ '^[0-9A-Za-z]{1,19}$'),
  bank_account_name  text CHECK (length(bank_account_name) <= 100),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
INSERT INTO marketplace_setting DEFAULT VALUES;

-- Payouts to producers, marked by staff.
CREATE TABLE payout (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  producer_id  bigint NOT NULL REFERENCES producer (id),
  month        date NOT NULL CHECK (extract(day FROM month) = 1),
  amount_vnd   bigint NOT NULL CHECK (amount_vnd > 0),
  reference    text NOT NULL DEFAULT '' CHECK (length(reference) <= 200),
  marked_by    bigint REFERENCES app_user (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payout_producer_month ON payout (producer_id, month);

-- A sale changes a product's stock; the public catalog and the search index
-- show only whether it is in stock. A change of stock alone that does not
-- cross zero neither bumps the catalog version nor queues a search update,
-- so checkouts do not contend on catalog_state nor flood the outbox.
-- +goose StatementBegin
CREATE FUNCTION product_visible_change(o product, n product) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT (to_jsonb(o) - 'stock' - 'updated_at') IS DISTINCT FROM (to_jsonb(n) - 'stock' - 'updated_at')
      OR (o.stock > 0) IS DISTINCT FROM (n.stock > 0)
$$;
CREATE FUNCTION bump_catalog_version_product() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE product_visible_change(o, n)) THEN
    UPDATE catalog_state SET version = version + 1;
  END IF;
  RETURN NULL;
END $$;
-- +goose StatementEnd
DROP TRIGGER product_catalog_version_upd ON product;
CREATE TRIGGER product_catalog_version_upd AFTER UPDATE ON product REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version_product();
DROP TRIGGER product_search_enqueue_upd ON product;
CREATE TRIGGER product_search_enqueue_upd AFTER UPDATE ON product
  FOR EACH ROW WHEN (product_visible_change(OLD, NEW)) EXECUTE FUNCTION search_enqueue_product();

-- +goose Down
DROP TRIGGER product_search_enqueue_upd ON product;
CREATE TRIGGER product_search_enqueue_upd AFTER UPDATE ON product
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION search_enqueue_product();
DROP TRIGGER product_catalog_version_upd ON product;
CREATE TRIGGER product_catalog_version_upd AFTER UPDATE ON product REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
DROP FUNCTION bump_catalog_version_product();
DROP FUNCTION product_visible_change(product, product);
DROP TABLE payout;
DROP TABLE marketplace_setting;
DROP TABLE payment_event;
DROP TABLE payment;
DROP TABLE order_item;
DROP TABLE shop_order;
DROP TABLE order_group;
DROP TABLE cart_line;
DROP TABLE cart;
ALTER TABLE producer DROP CONSTRAINT producer_bank_complete,
  DROP COLUMN free_shipping_from_vnd, DROP COLUMN shipping_fee_vnd, DROP COLUMN bank_account_name,
  DROP COLUMN bank_account_no, DROP COLUMN bank_bin;
