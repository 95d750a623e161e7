-- Administrative units after the 2025 reform: 34 provincial units and their
-- communes (xã, phường, đặc khu) with official statistics-office codes.
-- Names keep the official spelling (NFC); *_fold columns hold the matching key
-- (no diacritics, tone placement unified, lower case) computed by the app.

-- +goose Up
CREATE TABLE province (
  code       char(2) PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
  name       text NOT NULL CHECK (name <> '' AND name IS NFC NORMALIZED),
  full_name  text NOT NULL CHECK (full_name IS NFC NORMALIZED),
  name_en    text NOT NULL DEFAULT '',
  kind       text NOT NULL CHECK (kind IN ('tinh', 'thanh_pho')),
  slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name_fold  text NOT NULL CHECK (name_fold <> '')
);
CREATE UNIQUE INDEX province_name_fold_key ON province (name_fold);

CREATE TABLE commune (
  code          char(5) PRIMARY KEY CHECK (code ~ '^[0-9]{5}$'),
  province_code char(2) NOT NULL REFERENCES province (code),
  name          text NOT NULL CHECK (name <> '' AND name IS NFC NORMALIZED),
  full_name     text NOT NULL CHECK (full_name IS NFC NORMALIZED),
  name_en       text NOT NULL DEFAULT '',
  kind          text NOT NULL CHECK (kind IN ('xa', 'phuong', 'dac_khu')),
  name_fold     text NOT NULL CHECK (name_fold <> '')
);
CREATE INDEX commune_province_idx ON commune (province_code, name_fold);

-- The 34 provincial units are facts of the 2025 reform (and Resolution
-- 30/2026/QH16); communes are loaded with `ocop geo import`.
INSERT INTO province (code, name, full_name, name_en, kind, slug, name_fold) VALUES
  ('01', 'Hà Nội', 'Thành phố Hà Nội', 'Hanoi', 'thanh_pho', 'ha-noi', 'ha noi'),
  ('04', 'Cao Bằng', 'Tỉnh Cao Bằng', 'Cao Bang', 'tinh', 'cao-bang', 'cao bang'),
  ('08', 'Tuyên Quang', 'Tỉnh Tuyên Quang', 'Tuyen Quang', 'tinh', 'tuyen-quang', 'tuyen quang'),
  ('11', 'Điện Biên', 'Tỉnh Điện Biên', 'Dien Bien', 'tinh', 'dien-bien', 'dien bien'),
  ('12', 'Lai Châu', 'Tỉnh Lai Châu', 'Lai Chau', 'tinh', 'lai-chau', 'lai chau'),
  ('14', 'Sơn La', 'Tỉnh Sơn La', 'Son La', 'tinh', 'son-la', 'son la'),
  ('15', 'Lào Cai', 'Tỉnh Lào Cai', 'Lao Cai', 'tinh', 'lao-cai', 'lao cai'),
  ('19', 'Thái Nguyên', 'Tỉnh Thái Nguyên', 'Thai Nguyen', 'tinh', 'thai-nguyen', 'thai nguyen'),
  ('20', 'Lạng Sơn', 'Tỉnh Lạng Sơn', 'Lang Son', 'tinh', 'lang-son', 'lang son'),
  ('22', 'Quảng Ninh', 'Tỉnh Quảng Ninh', 'Quang Ninh', 'tinh', 'quang-ninh', 'quang ninh'),
  ('24', 'Bắc Ninh', 'Tỉnh Bắc Ninh', 'Bac Ninh', 'tinh', 'bac-ninh', 'bac ninh'),
  ('25', 'Phú Thọ', 'Tỉnh Phú Thọ', 'Phu Tho', 'tinh', 'phu-tho', 'phu tho'),
  ('31', 'Hải Phòng', 'Thành phố Hải Phòng', 'Haiphong', 'thanh_pho', 'hai-phong', 'hai phong'),
  ('33', 'Hưng Yên', 'Tỉnh Hưng Yên', 'Hung Yen', 'tinh', 'hung-yen', 'hung yen'),
  ('37', 'Ninh Bình', 'Tỉnh Ninh Bình', 'Ninh Binh', 'tinh', 'ninh-binh', 'ninh binh'),
  ('38', 'Thanh Hoá', 'Tỉnh Thanh Hoá', 'Thanh Hoa', 'tinh', 'thanh-hoa', 'thanh hoa'),
  ('40', 'Nghệ An', 'Tỉnh Nghệ An', 'Nghe An', 'tinh', 'nghe-an', 'nghe an'),
  ('42', 'Hà Tĩnh', 'Tỉnh Hà Tĩnh', 'Ha Tinh', 'tinh', 'ha-tinh', 'ha tinh'),
  ('44', 'Quảng Trị', 'Tỉnh Quảng Trị', 'Quang Tri', 'tinh', 'quang-tri', 'quang tri'),
  ('46', 'Huế', 'Thành phố Huế', 'Hue', 'thanh_pho', 'hue', 'hue'),
  ('48', 'Đà Nẵng', 'Thành phố Đà Nẵng', 'Da Nang', 'thanh_pho', 'da-nang', 'da nang'),
  ('51', 'Quảng Ngãi', 'Tỉnh Quảng Ngãi', 'Quang Ngai', 'tinh', 'quang-ngai', 'quang ngai'),
  ('52', 'Gia Lai', 'Tỉnh Gia Lai', 'Gia Lai', 'tinh', 'gia-lai', 'gia lai'),
  ('56', 'Khánh Hoà', 'Tỉnh Khánh Hoà', 'Khanh Hoa', 'tinh', 'khanh-hoa', 'khanh hoa'),
  ('66', 'Đắk Lắk', 'Tỉnh Đắk Lắk', 'Dak Lak', 'tinh', 'dak-lak', 'dak lak'),
  ('68', 'Lâm Đồng', 'Tỉnh Lâm Đồng', 'Lam Dong', 'tinh', 'lam-dong', 'lam dong'),
  ('75', 'Đồng Nai', 'Thành phố Đồng Nai', 'Dong Nai', 'thanh_pho', 'dong-nai', 'dong nai'),
  ('79', 'Hồ Chí Minh', 'Thành phố Hồ Chí Minh', 'Ho Chi Minh', 'thanh_pho', 'ho-chi-minh', 'ho chi minh'),
  ('80', 'Tây Ninh', 'Tỉnh Tây Ninh', 'Tay Ninh', 'tinh', 'tay-ninh', 'tay ninh'),
  ('82', 'Đồng Tháp', 'Tỉnh Đồng Tháp', 'Dong Thap', 'tinh', 'dong-thap', 'dong thap'),
  ('86', 'Vĩnh Long', 'Tỉnh Vĩnh Long', 'Vinh Long', 'tinh', 'vinh-long', 'vinh long'),
  ('91', 'An Giang', 'Tỉnh An Giang', 'An Giang', 'tinh', 'an-giang', 'an giang'),
  ('92', 'Cần Thơ', 'Thành phố Cần Thơ', 'Can Tho', 'thanh_pho', 'can-tho', 'can tho'),
  ('96', 'Cà Mau', 'Tỉnh Cà Mau', 'Ca Mau', 'tinh', 'ca-mau', 'ca mau');

-- +goose Down
DROP TABLE commune;
DROP TABLE province;
