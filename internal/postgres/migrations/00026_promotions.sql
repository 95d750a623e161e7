-- Promotion events: time-boxed discounts (a percentage or an amount of
-- đồng) on chosen products, on one producer's products, or on the
-- products every exhibitor of an event shows. Decree 81/2018/NĐ-CP
-- (amended by 128/2024/NĐ-CP) caps a discount at 50 % of the price just
-- before the promotion, except in a concentrated promotion period. The
-- price is decided at the moment of the request (product_promotion), so
-- it starts and ends exactly on time without a job.

-- +goose Up
CREATE TABLE promotion (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text NOT NULL CHECK (name <> '' AND length(name) <= 200),
  scope         text NOT NULL CHECK (scope IN ('products', 'producer', 'event')),
  producer_id   bigint REFERENCES producer (id) ON DELETE CASCADE,
  event_id      bigint REFERENCES event (id) ON DELETE CASCADE,
  -- the province whose trade promotion runs it (NULL: the producer's own)
  province_code char(2) REFERENCES province (code),
  kind          text NOT NULL CHECK (kind IN ('percent', 'amount')),
  value         bigint NOT NULL CHECK (value > 0),
  concentrated  boolean NOT NULL DEFAULT false,
  starts_at     timestamptz NOT NULL,
  ends_at       timestamptz NOT NULL CHECK (ends_at > starts_at),
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
  created_by    bigint REFERENCES app_user (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'percent' OR value <= CASE WHEN concentrated THEN 100 ELSE 50 END),
  CHECK ((scope = 'producer') = (producer_id IS NOT NULL)),
  CHECK ((scope = 'event') = (event_id IS NOT NULL))
);
CREATE INDEX promotion_ends ON promotion (ends_at) WHERE status = 'active';

CREATE TABLE promotion_product (
  promotion_id  bigint NOT NULL REFERENCES promotion (id) ON DELETE CASCADE,
  product_id    bigint NOT NULL REFERENCES product (id) ON DELETE CASCADE,
  PRIMARY KEY (promotion_id, product_id)
);
CREATE INDEX promotion_product_product ON promotion_product (product_id);

-- The products each promotion covers.
CREATE VIEW promotion_target AS
SELECT x.promotion_id, x.product_id FROM promotion_product x
UNION
SELECT pr.id, p.id FROM promotion pr JOIN product p ON p.producer_id = pr.producer_id WHERE pr.scope = 'producer'
UNION
SELECT pr.id, ap.product_id FROM promotion pr
JOIN booth_application a ON a.event_id = pr.event_id
  AND a.status IN ('paid', 'free_confirmed', 'booth_assigned', 'checked_in', 'completed')
JOIN booth_application_product ap ON ap.application_id = a.id
WHERE pr.scope = 'event';

-- The promoted price of each product now: the lowest of the promotions
-- running at this moment; an amount never takes more than half the
-- current price outside a concentrated period.
CREATE VIEW product_promotion AS
SELECT DISTINCT ON (product_id) * FROM (
  SELECT t.product_id, pr.id AS promotion_id, pr.kind, pr.value, pr.ends_at, p.price_vnd AS list_price_vnd,
    CASE pr.kind
      WHEN 'percent' THEN p.price_vnd - p.price_vnd * pr.value / 100
      ELSE greatest(p.price_vnd - pr.value, CASE WHEN pr.concentrated THEN 0 ELSE p.price_vnd - p.price_vnd / 2 END)
    END AS price_vnd
  FROM promotion pr JOIN promotion_target t ON t.promotion_id = pr.id JOIN product p ON p.id = t.product_id
  WHERE pr.status = 'active' AND pr.starts_at <= now() AND now() < pr.ends_at
) offers
ORDER BY product_id, price_vnd, ends_at;

-- +goose Down
DROP VIEW product_promotion;
DROP VIEW promotion_target;
DROP TABLE promotion_product;
DROP TABLE promotion;
