package vietqr

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Bank is a bank (or digital bank) reachable by a NAPAS 24/7 transfer.
type Bank struct {
	BIN       string // 6-digit acquirer BIN written in tag 38/01/00
	Code      string // VietQR bank code, e.g. "VCB"
	ShortName string // brand shown to users, e.g. "Vietcombank"
	Name      string // full legal name in Vietnamese (NFC)
}

//go:embed banks.csv
var banksCSV []byte

// bankTable is the parsed bank list: sorted for Banks, indexed for
// BankByBIN.
type bankTable struct {
	sorted []Bank
	byBIN  map[string]Bank
}

// loadBankTable parses banksCSV once. The file is part of the package and
// its test reads it, so an error here is a packaging mistake; it is kept and
// reported by Encode rather than panicking.
var loadBankTable = sync.OnceValues(func() (*bankTable, error) {
	return parseBanks(banksCSV)
})

// Banks returns the banks Encode accepts, sorted by ShortName
// (case-insensitively, then by BIN). The slice is the caller's to keep.
func Banks() []Bank {
	t, err := loadBankTable()
	if err != nil {
		return nil
	}
	return slices.Clone(t.sorted)
}

// BankByBIN returns the bank whose acquirer BIN is bin and whether there is
// one.
func BankByBIN(bin string) (Bank, bool) {
	t, err := loadBankTable()
	if err != nil {
		return Bank{}, false
	}
	b, ok := t.byBIN[bin]
	return b, ok
}

// banksHeader is the header banks.csv must start with.
var banksHeader = []string{"bin", "code", "short_name", "name"}

// parseBanks reads a bank list in the banks.csv format: the header
// banksHeader, then one bank per row with a 6-digit BIN that no other row
// has and no empty column.
func parseBanks(data []byte) (*bankTable, error) {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("vietqr: banks.csv: %w", err)
	}
	if len(rows) == 0 || !slices.Equal(rows[0], banksHeader) {
		return nil, errors.New("vietqr: banks.csv: header must be " + strings.Join(banksHeader, ","))
	}
	t := &bankTable{byBIN: make(map[string]Bank, len(rows)-1)}
	for i, row := range rows[1:] {
		b, err := bankFromRow(row)
		if err != nil {
			return nil, fmt.Errorf("vietqr: banks.csv line %d: %w", i+2, err)
		}
		if _, dup := t.byBIN[b.BIN]; dup {
			return nil, fmt.Errorf("vietqr: banks.csv line %d: BIN %s appears twice", i+2, b.BIN)
		}
		t.byBIN[b.BIN] = b
		t.sorted = append(t.sorted, b)
	}
	slices.SortFunc(t.sorted, compareBanks)
	return t, nil
}

// bankFromRow checks one banks.csv row (csv has already checked its column
// count against the header) and returns its bank.
func bankFromRow(row []string) (Bank, error) {
	b := Bank{BIN: row[0], Code: row[1], ShortName: row[2], Name: row[3]}
	if len(b.BIN) != binLen || !isDigits(b.BIN) {
		return Bank{}, fmt.Errorf("BIN %q is not %d digits", b.BIN, binLen)
	}
	if b.Code == "" || b.ShortName == "" || b.Name == "" {
		return Bank{}, fmt.Errorf("BIN %s: code, short_name and name are required", b.BIN)
	}
	return b, nil
}

// compareBanks orders banks by ShortName, ignoring case, then by BIN.
func compareBanks(a, b Bank) int {
	if c := strings.Compare(strings.ToLower(a.ShortName), strings.ToLower(b.ShortName)); c != 0 {
		return c
	}
	return strings.Compare(a.BIN, b.BIN)
}
