package vietqr

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Errors returned by Encode and Decode. Every error of Encode, and every
// error of Decode but a checksum mismatch, wraps ErrInvalid; a checksum
// mismatch wraps ErrChecksum.
var (
	ErrInvalid  = errors.New("vietqr: invalid payload")
	ErrChecksum = errors.New("vietqr: checksum mismatch")
)

// Payload is what a VietQR bank-transfer code carries.
type Payload struct {
	BIN       string // 6-digit acquirer BIN of the beneficiary's bank
	Account   string // account or card number, 1..19 ASCII letters/digits
	ToCard    bool   // service QRIBFTTC (to card) instead of QRIBFTTA (to account)
	AmountVND int64  // 0 = static QR (initiation 11); >0 = dynamic (12)
	Memo      string // transfer purpose, tag 62/08; Encode folds it with Memo

	// MerchantName and City are the optional tags 59 and 60. Encode folds
	// them to printable ASCII (diacritics removed) and cuts them to 25
	// characters; empty ones are left out.
	MerchantName, City string
}

// Fixed values and limits of the format.
const (
	binLen        = 6
	maxAccountLen = 19
	// MaxAmountVND is the largest amount tag 54 can carry (13 digits).
	MaxAmountVND = 9_999_999_999_999
	// maxPayloadLen is EMVCo's limit on a whole payload.
	maxPayloadLen = 512

	formatIndicator = "01"
	initStatic      = "11"
	initDynamic     = "12"
	napasGUID       = "A000000727"
	serviceAccount  = "QRIBFTTA"
	serviceCard     = "QRIBFTTC"
	currencyVND     = "704"
	countryVN       = "VN"
	crcPrefix       = "6304"
)

// Top-level tags.
const (
	tagFormat       = "00"
	tagInitiation   = "01"
	tagBeneficiary  = "38"
	tagCurrency     = "53"
	tagAmount       = "54"
	tagCountry      = "58"
	tagMerchantName = "59"
	tagCity         = "60"
	tagAdditional   = "62"
	tagCRC          = "63"
)

// Sub-tags of 38 (beneficiary), of its 01 (beneficiary organisation) and of
// 62 (additional data).
const (
	subGUID    = "00"
	subOrg     = "01"
	subService = "02"
	subBIN     = "00"
	subAccount = "01"
	subPurpose = "08"
)

// Encode checks p and returns its VietQR string, CRC included. The BIN must
// be 6 digits and belong to a bank of Banks, the account 1..19 ASCII letters
// or digits, and the amount within 0..MaxAmountVND. The memo, merchant name
// and city are folded to ASCII and cut to 25 characters, never refused.
func Encode(p Payload) (string, error) {
	if err := validate(p); err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	s, err := encode(p)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return s, nil
}

// validate checks the fields of p Encode cannot fold.
func validate(p Payload) error {
	if err := checkBIN(p.BIN); err != nil {
		return err
	}
	if _, err := loadBankTable(); err != nil {
		return err
	}
	if _, ok := BankByBIN(p.BIN); !ok {
		return fmt.Errorf("BIN %s is not a known bank", p.BIN)
	}
	if err := checkAccount(p.Account); err != nil {
		return err
	}
	if p.AmountVND < 0 {
		return fmt.Errorf("amount %d VND is negative", p.AmountVND)
	}
	if p.AmountVND > MaxAmountVND {
		return fmt.Errorf("amount %d VND exceeds the maximum %d", p.AmountVND, int64(MaxAmountVND))
	}
	return nil
}

// checkBIN checks that bin is exactly 6 digits.
func checkBIN(bin string) error {
	if len(bin) != binLen || !isDigits(bin) {
		return fmt.Errorf("BIN %q must be exactly %d digits", bin, binLen)
	}
	return nil
}

// checkAccount checks that account is 1..19 ASCII letters or digits.
func checkAccount(account string) error {
	if len(account) == 0 || len(account) > maxAccountLen || !isAlnumString(account) {
		return fmt.Errorf("account %q must be 1 to %d ASCII letters or digits", account, maxAccountLen)
	}
	return nil
}

// encode writes the payload of the validated p.
func encode(p Payload) (string, error) {
	var w tlvWriter
	w.add(tagFormat, formatIndicator)
	w.add(tagInitiation, initiation(p.AmountVND))
	w.add(tagBeneficiary, beneficiary(p))
	w.add(tagCurrency, currencyVND)
	if p.AmountVND > 0 {
		w.add(tagAmount, strconv.FormatInt(p.AmountVND, 10))
	}
	w.add(tagCountry, countryVN)
	addOptional(&w, tagMerchantName, foldName(p.MerchantName))
	addOptional(&w, tagCity, foldName(p.City))
	if memo := Memo(p.Memo); memo != "" {
		var add tlvWriter
		add.add(subPurpose, memo)
		w.add(tagAdditional, add.String())
	}
	if w.err != nil {
		return "", w.err
	}
	body := w.String() + crcPrefix
	return body + fmt.Sprintf("%04X", CRC16(body)), nil
}

// addOptional writes the object id unless v is empty.
func addOptional(w *tlvWriter, id, v string) {
	if v != "" {
		w.add(id, v)
	}
}

// initiation returns the point-of-initiation method for amount: static
// without one, dynamic with one.
func initiation(amount int64) string {
	if amount > 0 {
		return initDynamic
	}
	return initStatic
}

// beneficiary returns the value of tag 38 for p. Its parts are validated, so
// it always fits the 99-character limit (at most 77 characters).
func beneficiary(p Payload) string {
	var org tlvWriter
	org.add(subBIN, p.BIN)
	org.add(subAccount, p.Account)
	service := serviceAccount
	if p.ToCard {
		service = serviceCard
	}
	var w tlvWriter
	w.add(subGUID, napasGUID)
	w.add(subOrg, org.String())
	w.add(subService, service)
	return w.String()
}

// Decode parses and checks the VietQR string s. It refuses malformed TLV (a
// non-digit ID or length, a zero length, a length past the end, a repeated
// tag), a payload not starting with 00 = "01" or not ending with the CRC in
// tag 63, a wrong CRC (ErrChecksum), a missing tag 38, 53 or 58, a GUID other
// than NAPAS's, a currency other than 704, a country other than VN, and an
// ill-formed BIN, account, service or amount. Other tags and sub-tags (52
// MCC, 62/01 bill number, 62/05 reference label, ...) are ignored, and so is whether the BIN belongs to a bank of Banks. Memo,
// MerchantName and City are returned as found, unfolded. Lengths count
// bytes; the string must not be longer than 512 bytes.
func Decode(s string) (Payload, error) {
	p, err := decode(s)
	if err != nil {
		if errors.Is(err, ErrChecksum) {
			return Payload{}, err
		}
		return Payload{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return p, nil
}

// decode does Decode's work; its errors are not yet wrapped in ErrInvalid.
func decode(s string) (Payload, error) {
	if len(s) > maxPayloadLen {
		return Payload{}, fmt.Errorf("payload of %d bytes exceeds %d", len(s), maxPayloadLen)
	}
	fields, err := parseTLV(s)
	if err != nil {
		return Payload{}, err
	}
	if err := checkFrame(fields); err != nil {
		return Payload{}, err
	}
	if err := checkCRC(s); err != nil {
		return Payload{}, err
	}
	return payloadFrom(fields)
}

// checkFrame checks that fields start with the payload format indicator and
// end with a 4-character CRC.
func checkFrame(fields []field) error {
	if len(fields) == 0 {
		return errors.New("payload is empty")
	}
	if first := fields[0]; first.id != tagFormat || first.value != formatIndicator {
		return fmt.Errorf("payload must start with tag 00 = %q", formatIndicator)
	}
	if last := fields[len(fields)-1]; last.id != tagCRC || len(last.value) != 4 {
		return errors.New("payload must end with tag 63 holding a 4-digit CRC")
	}
	return nil
}

// checkCRC checks the CRC at the end of s, whose frame checkFrame accepted.
// Lower-case hex digits are tolerated.
func checkCRC(s string) error {
	body, sum := s[:len(s)-4], s[len(s)-4:]
	want, err := strconv.ParseUint(sum, 16, 16)
	if err != nil {
		return fmt.Errorf("CRC %q is not 4 hex digits", sum)
	}
	if got := CRC16(body); uint16(want) != got {
		return fmt.Errorf("%w: payload says %s, content gives %04X", ErrChecksum, strings.ToUpper(sum), got)
	}
	return nil
}

// payloadFrom reads a Payload out of the top-level objects of a framed,
// checksummed payload.
func payloadFrom(fields []field) (Payload, error) {
	if v, ok := lookup(fields, tagInitiation); ok && v != initStatic && v != initDynamic {
		return Payload{}, fmt.Errorf("tag 01: initiation method %q is neither %s nor %s", v, initStatic, initDynamic)
	}
	if err := requireValue(fields, tagCurrency, currencyVND, "currency"); err != nil {
		return Payload{}, err
	}
	if err := requireValue(fields, tagCountry, countryVN, "country"); err != nil {
		return Payload{}, err
	}
	raw, ok := lookup(fields, tagBeneficiary)
	if !ok {
		return Payload{}, errors.New("tag 38 (beneficiary) is missing")
	}
	p, err := parseBeneficiary(raw)
	if err != nil {
		return Payload{}, fmt.Errorf("tag 38: %w", err)
	}
	if p.AmountVND, err = parseAmount(fields); err != nil {
		return Payload{}, err
	}
	if p.Memo, err = parseMemo(fields); err != nil {
		return Payload{}, err
	}
	p.MerchantName, _ = lookup(fields, tagMerchantName)
	p.City, _ = lookup(fields, tagCity)
	return p, nil
}

// requireValue checks that the object id is present and equals want; what
// names it in errors.
func requireValue(fields []field, id, want, what string) error {
	v, ok := lookup(fields, id)
	if !ok {
		return fmt.Errorf("tag %s (%s) is missing", id, what)
	}
	if v != want {
		return fmt.Errorf("tag %s: %s %q is not %q", id, what, v, want)
	}
	return nil
}

// parseBeneficiary reads BIN, account and service out of the value of tag
// 38.
func parseBeneficiary(raw string) (Payload, error) {
	fields, err := parseTLV(raw)
	if err != nil {
		return Payload{}, err
	}
	if guid, _ := lookup(fields, subGUID); guid != napasGUID {
		return Payload{}, fmt.Errorf("GUID %q is not NAPAS's %q", guid, napasGUID)
	}
	var p Payload
	switch service, _ := lookup(fields, subService); service {
	case serviceAccount:
	case serviceCard:
		p.ToCard = true
	default:
		return Payload{}, fmt.Errorf("service %q is neither %s nor %s", service, serviceAccount, serviceCard)
	}
	org, ok := lookup(fields, subOrg)
	if !ok {
		return Payload{}, errors.New("sub-tag 01 (BIN and account) is missing")
	}
	if p.BIN, p.Account, err = parseOrg(org); err != nil {
		return Payload{}, fmt.Errorf("sub-tag 01: %w", err)
	}
	return p, nil
}

// parseOrg reads the BIN and the account out of the value of 38/01.
func parseOrg(raw string) (bin, account string, err error) {
	fields, err := parseTLV(raw)
	if err != nil {
		return "", "", err
	}
	bin, _ = lookup(fields, subBIN)
	if err := checkBIN(bin); err != nil {
		return "", "", err
	}
	account, _ = lookup(fields, subAccount)
	if err := checkAccount(account); err != nil {
		return "", "", err
	}
	return bin, account, nil
}

// parseAmount returns the amount of tag 54, or 0 when there is none. Only a
// positive whole number of VND is accepted.
func parseAmount(fields []field) (int64, error) {
	raw, ok := lookup(fields, tagAmount)
	if !ok {
		return 0, nil
	}
	if len(raw) > 13 || !isDigits(raw) {
		return 0, fmt.Errorf("tag 54: amount %q is not a whole number of VND of at most 13 digits", raw)
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("tag 54: amount %q is not positive", raw)
	}
	return n, nil
}

// parseMemo returns the purpose (62/08), or "" when there is none.
func parseMemo(fields []field) (string, error) {
	raw, ok := lookup(fields, tagAdditional)
	if !ok {
		return "", nil
	}
	sub, err := parseTLV(raw)
	if err != nil {
		return "", fmt.Errorf("tag 62: %w", err)
	}
	memo, _ := lookup(sub, subPurpose)
	return memo, nil
}
