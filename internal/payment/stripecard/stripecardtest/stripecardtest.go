// Package stripecardtest helps tests of Stripe payments: it builds webhook
// event bodies and their Stripe-Signature headers, and gives the URL of the
// stripe-mock server to point a stripecard.Client at.
//
// OCOP_TEST_STRIPE_URL is stripe-mock's URL (make test starts it with
// deploy/dev/stripe-mock.sh). Without it the tests that need it are skipped
// with a printed reason, unless OCOP_TEST_REQUIRE_DB=1, when they fail.
package stripecardtest

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	stripe "github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
)

// URL returns the stripe-mock server's URL, skipping tb (failing it under
// OCOP_TEST_REQUIRE_DB=1) when none is configured.
func URL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("OCOP_TEST_STRIPE_URL")
	if u == "" {
		if os.Getenv("OCOP_TEST_REQUIRE_DB") == "1" {
			tb.Fatal("OCOP_TEST_STRIPE_URL is not set but OCOP_TEST_REQUIRE_DB=1 (make test starts stripe-mock with deploy/dev/stripe-mock.sh)")
		}
		tb.Skip("SKIP: OCOP_TEST_STRIPE_URL not set (make test starts stripe-mock)")
	}
	return u
}

// Signed returns a valid Stripe-Signature header for payload signed now with
// secret, as Stripe would send it.
func Signed(tb testing.TB, secret string, payload []byte) string {
	tb.Helper()
	return SignedAt(tb, secret, payload, time.Now())
}

// SignedAt is Signed with the signature's timestamp at; an old one makes a
// stale signature.
func SignedAt(tb testing.TB, secret string, payload []byte, at time.Time) string {
	tb.Helper()
	if secret == "" {
		tb.Fatal("stripecardtest: empty webhook secret")
	}
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{
		Payload:   payload,
		Secret:    secret,
		Timestamp: at,
	}).Header
}

// EventJSON returns the body of a webhook event id of type typ about object
// (the Stripe object as JSON would decode it, "id" and the fields the
// handler reads), in the API version stripe-go expects. It panics if object
// does not encode.
func EventJSON(id, typ string, object map[string]any) []byte {
	b, err := json.Marshal(map[string]any{
		"id":               id,
		"object":           "event",
		"api_version":      stripe.APIVersion,
		"created":          time.Now().Unix(),
		"livemode":         false,
		"pending_webhooks": 1,
		"request":          map[string]any{"id": nil, "idempotency_key": nil},
		"type":             typ,
		"data":             map[string]any{"object": object},
	})
	if err != nil {
		panic("stripecardtest: event " + id + ": " + err.Error())
	}
	return b
}
