-- OCOP product classification of Decision 148/QĐ-TTg (Phụ lục I): 6 groups,
-- a 3-level tree with 26 leaves. A product belongs to exactly one leaf.

-- +goose Up
CREATE TABLE product_group (
  code             text PRIMARY KEY CHECK (code ~ '^(I|II|III|IV|V|VI)(\.[1-9](\.[a-z])?)?$'),
  parent_code      text REFERENCES product_group (code),
  level            smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
  name             text NOT NULL CHECK (name <> '' AND name IS NFC NORMALIZED),
  name_en          text,
  lead_ministry    text,
  slug             text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  is_leaf          boolean NOT NULL,
  sort_order       int NOT NULL,
  name_fold        text NOT NULL,
  criteria_version text NOT NULL DEFAULT '148/2023+1489/2025',
  CHECK ((level = 1) = (parent_code IS NULL)),
  -- lets product reference (code, is_leaf) so the database itself refuses a
  -- product filed under a non-leaf group
  UNIQUE (code, is_leaf)
);

INSERT INTO product_group (code, parent_code, level, name, name_en, lead_ministry, slug, is_leaf, sort_order, name_fold) VALUES
  ('I', NULL, 1, 'Sản phẩm thực phẩm', 'Food', NULL, 'thuc-pham', false, 1, 'san pham thuc pham'),
  ('I.1', 'I', 2, 'Thực phẩm tươi sống', NULL, NULL, 'thuc-pham-tuoi-song', false, 2, 'thuc pham tuoi song'),
  ('I.1.a', 'I.1', 3, 'Rau, củ, quả, hạt tươi', NULL, 'Bộ Nông nghiệp và Môi trường', 'rau-cu-qua-hat-tuoi', true, 3, 'rau cu qua hat tuoi'),
  ('I.1.b', 'I.1', 3, 'Thịt, thủy sản, trứng, sữa tươi', NULL, 'Bộ Nông nghiệp và Môi trường', 'thit-thuy-san-trung-sua-tuoi', true, 4, 'thit thuy san trung sua tuoi'),
  ('I.2', 'I', 2, 'Thực phẩm thô, sơ chế', NULL, NULL, 'thuc-pham-tho-so-che', false, 5, 'thuc pham tho so che'),
  ('I.2.a', 'I.2', 3, 'Gạo, ngũ cốc, hạt sơ chế khác', NULL, 'Bộ Nông nghiệp và Môi trường', 'gao-ngu-coc-hat-so-che', true, 6, 'gao ngu coc hat so che khac'),
  ('I.2.b', 'I.2', 3, 'Mật ong, mật khác và nông sản thực phẩm khác', NULL, 'Bộ Nông nghiệp và Môi trường', 'mat-ong-mat-khac-va-nong', true, 7, 'mat ong mat khac va nong san thuc pham khac'),
  ('I.3', 'I', 2, 'Thực phẩm chế biến', NULL, NULL, 'thuc-pham-che-bien', false, 8, 'thuc pham che bien'),
  ('I.3.a', 'I.3', 3, 'Đồ ăn nhanh', NULL, 'Bộ Công Thương', 'do-an-nhanh', true, 9, 'do an nhanh'),
  ('I.3.b', 'I.3', 3, 'Chế biến từ gạo, ngũ cốc', NULL, 'Bộ Nông nghiệp và Môi trường; Bộ Công Thương', 'che-bien-tu-gao-ngu-coc', true, 10, 'che bien tu gao ngu coc'),
  ('I.3.c', 'I.3', 3, 'Chế biến từ rau, củ, quả, hạt', NULL, 'Bộ Nông nghiệp và Môi trường', 'che-bien-tu-rau-cu-qua', true, 11, 'che bien tu rau cu qua hat'),
  ('I.3.d', 'I.3', 3, 'Chế biến từ thịt, trứng, sữa, thủy sản, các sản phẩm từ mật ong, mật khác và nông sản thực phẩm khác', NULL, 'Bộ Nông nghiệp và Môi trường; Bộ Công Thương', 'che-bien-tu-thit-trung-sua', true, 12, 'che bien tu thit trung sua thuy san cac san pham tu mat ong mat khac va nong san thuc pham khac'),
  ('I.4', 'I', 2, 'Gia vị', NULL, NULL, 'gia-vi', false, 13, 'gia vi'),
  ('I.4.a', 'I.4', 3, 'Tương, nước mắm, gia vị dạng lỏng khác', NULL, 'Bộ Nông nghiệp và Môi trường', 'tuong-nuoc-mam-gia-vi-dang', true, 14, 'tuong nuoc mam gia vi dang long khac'),
  ('I.4.b', 'I.4', 3, 'Gia vị khác', NULL, 'Bộ Nông nghiệp và Môi trường', 'gia-vi-khac', true, 15, 'gia vi khac'),
  ('I.5', 'I', 2, 'Chè', NULL, NULL, 'che', false, 16, 'che'),
  ('I.5.a', 'I.5', 3, 'Chè tươi, chế biến', NULL, 'Bộ Nông nghiệp và Môi trường', 'che-tuoi-che-bien', true, 17, 'che tuoi che bien'),
  ('I.5.b', 'I.5', 3, 'Sản phẩm chè từ thực vật khác', NULL, 'Bộ Nông nghiệp và Môi trường', 'san-pham-che-tu-thuc-vat', true, 18, 'san pham che tu thuc vat khac'),
  ('I.6', 'I', 2, 'Cà phê, ca cao', NULL, 'Bộ Nông nghiệp và Môi trường', 'ca-phe-ca-cao', true, 19, 'ca phe ca cao'),
  ('II', NULL, 1, 'Sản phẩm đồ uống', 'Beverages', NULL, 'do-uong', false, 20, 'san pham do uong'),
  ('II.1', 'II', 2, 'Đồ uống có cồn', NULL, NULL, 'do-uong-co-con', false, 21, 'do uong co con'),
  ('II.1.a', 'II.1', 3, 'Rượu trắng', NULL, 'Bộ Công Thương', 'ruou-trang', true, 22, 'ruou trang'),
  ('II.1.b', 'II.1', 3, 'Đồ uống có cồn khác', NULL, 'Bộ Công Thương', 'do-uong-co-con-khac', true, 23, 'do uong co con khac'),
  ('II.2', 'II', 2, 'Đồ uống không cồn', NULL, NULL, 'do-uong-khong-con', false, 24, 'do uong khong con'),
  ('II.2.a', 'II.2', 3, 'Nước khoáng thiên nhiên, nước uống đóng chai', NULL, 'Bộ Y tế', 'nuoc-khoang-thien-nhien-nuoc-uong', true, 25, 'nuoc khoang thien nhien nuoc uong dong chai'),
  ('II.2.b', 'II.2', 3, 'Đồ uống không cồn', NULL, 'Bộ Công Thương', 'do-uong-khong-con-khac', true, 26, 'do uong khong con'),
  ('III', NULL, 1, 'Sản phẩm dược liệu và sản phẩm từ dược liệu', 'Medicinal herbs & herbal products', NULL, 'duoc-lieu', false, 27, 'san pham duoc lieu va san pham tu duoc lieu'),
  ('III.1', 'III', 2, 'Thực phẩm chức năng, thuốc dược liệu, thuốc cổ truyền', NULL, 'Bộ Y tế', 'thuc-pham-chuc-nang-thuoc-duoc', true, 28, 'thuc pham chuc nang thuoc duoc lieu thuoc co truyen'),
  ('III.2', 'III', 2, 'Mỹ phẩm có thành phần từ dược liệu', NULL, 'Bộ Y tế', 'my-pham-co-thanh-phan-tu', true, 29, 'my pham co thanh phan tu duoc lieu'),
  ('III.3', 'III', 2, 'Tinh dầu và dược liệu khác', NULL, 'Bộ Y tế; Bộ Công Thương', 'tinh-dau-va-duoc-lieu-khac', true, 30, 'tinh dau va duoc lieu khac'),
  ('IV', NULL, 1, 'Sản phẩm hàng thủ công mỹ nghệ', 'Handicrafts', NULL, 'thu-cong-my-nghe', false, 31, 'san pham hang thu cong my nghe'),
  ('IV.1', 'IV', 2, 'Thủ công mỹ nghệ gia dụng, trang trí', NULL, 'Bộ Công Thương; Bộ Nông nghiệp và Môi trường', 'thu-cong-my-nghe-gia-dung', true, 32, 'thu cong my nghe gia dung trang tri'),
  ('IV.2', 'IV', 2, 'Vải, may mặc', NULL, 'Bộ Công Thương', 'vai-may-mac', true, 33, 'vai may mac'),
  ('V', NULL, 1, 'Sản phẩm sinh vật cảnh', 'Ornamental plants & animals', NULL, 'sinh-vat-canh', false, 34, 'san pham sinh vat canh'),
  ('V.1', 'V', 2, 'Hoa', NULL, 'Bộ Nông nghiệp và Môi trường', 'hoa', true, 35, 'hoa'),
  ('V.2', 'V', 2, 'Cây cảnh', NULL, 'Bộ Nông nghiệp và Môi trường', 'cay-canh', true, 36, 'cay canh'),
  ('V.3', 'V', 2, 'Động vật cảnh', NULL, 'Bộ Nông nghiệp và Môi trường', 'dong-vat-canh', true, 37, 'dong vat canh'),
  ('VI', NULL, 1, 'Sản phẩm dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch', 'Community/eco-tourism services & tourist sites', NULL, 'du-lich', false, 38, 'san pham dich vu du lich cong dong du lich sinh thai va diem du lich'),
  ('VI.1', 'VI', 2, 'Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch', NULL, 'Bộ Văn hóa, Thể thao và Du lịch; Bộ Nông nghiệp và Môi trường', 'dich-vu-du-lich-cong-dong', true, 39, 'dich vu du lich cong dong du lich sinh thai va diem du lich');

-- +goose Down
DROP TABLE product_group;
