package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Argon2id parameters (SECURITY.md A-01): 19 MiB, two passes, one lane.
// A stored hash with other parameters is upgraded at the next sign-in.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Password length limits (SECURITY.md A-02), after NFC normalisation.
const (
	MinPasswordRunes = 8
	MaxPasswordRunes = 128
	MaxPasswordBytes = 256
)

// normPassword returns the NFC form of pw, so a password typed on a
// keyboard that sends NFD matches the one stored.
func normPassword(pw string) string { return norm.NFC.String(pw) }

// checkPassword returns the Vietnamese message for a password that is too
// short or too long, or "".
func checkPassword(pw string) string {
	pw = normPassword(pw)
	switch n := utf8.RuneCountInString(pw); {
	case n < MinPasswordRunes:
		return msgPasswordShort
	case n > MaxPasswordRunes || len(pw) > MaxPasswordBytes:
		return msgPasswordLong
	}
	return ""
}

type argonParams struct {
	memory  uint32
	time    uint32
	threads uint8
}

var currentParams = argonParams{argonMemory, argonTime, argonThreads}

// HashPassword returns the PHC string of pw's argon2id hash:
// $argon2id$v=19$m=19456,t=2,p=1$salt$key.
func HashPassword(pw string) (string, error) {
	return hashWith(pw, currentParams)
}

func hashWith(pw string, p argonParams) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(normPassword(pw)), salt, p.time, p.memory, p.threads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches the PHC string phc, comparing
// in constant time, and whether the hash should be redone with the current
// parameters.
func VerifyPassword(phc, pw string) (ok, rehash bool) {
	p, salt, key, err := parsePHC(phc)
	if err != nil {
		return false, false
	}
	got := argon2.IDKey([]byte(normPassword(pw)), salt, p.time, p.memory, p.threads, uint32(len(key)))
	ok = subtle.ConstantTimeCompare(got, key) == 1
	return ok, ok && p != currentParams
}

func parsePHC(phc string) (p argonParams, salt, key []byte, err error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("not an argon2id PHC string")
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, fmt.Errorf("argon2 version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, nil, nil, fmt.Errorf("argon2 params %q: %w", parts[3], err)
	}
	if p.memory == 0 || p.memory > 1<<20 || p.time == 0 || p.time > 10 || p.threads == 0 {
		return p, nil, nil, fmt.Errorf("argon2 params out of range")
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, err
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 {
		return p, nil, nil, fmt.Errorf("argon2 key")
	}
	return p, salt, key, nil
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
