// Package apperr defines the application's error kinds. Feature packages
// return *Error values (or wrap them); the web layer maps a Kind to an HTTP
// status and shows the message, never the wrapped internal error.
package apperr

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the caller.
type Kind int

// Error kinds.
const (
	Internal Kind = iota
	Invalid
	NotFound
	Conflict
	Unauthorized
	Forbidden
	Unavailable
	// TooMany is a request refused by rate limiting (429).
	TooMany
	// TooLarge is a request body over the limit (413).
	TooLarge
	// Unprocessable is a form whose fields are refused (422): the error
	// is a FieldErrors, with a message per field.
	Unprocessable
)

func (k Kind) String() string {
	switch k {
	case Invalid:
		return "invalid"
	case NotFound:
		return "not_found"
	case Conflict:
		return "conflict"
	case Unauthorized:
		return "unauthorized"
	case Forbidden:
		return "forbidden"
	case Unavailable:
		return "unavailable"
	case TooMany:
		return "too_many"
	case TooLarge:
		return "too_large"
	case Unprocessable:
		return "unprocessable"
	}
	return "internal"
}

// Error is an error with a kind and a message safe to show a person. Err, if
// set, is the underlying cause, for logs only.
type Error struct {
	Kind    Kind
	Message string // Vietnamese, for people
	Detail  string // English, for API clients
	Err     error
}

func (e *Error) Error() string {
	msg := e.Detail
	if msg == "" {
		msg = e.Message
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Kind, msg, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Kind, msg)
}

func (e *Error) Unwrap() error { return e.Err }

// E returns an *Error of kind k with a Vietnamese message and English detail.
func E(k Kind, vi, en string) *Error { return &Error{Kind: k, Message: vi, Detail: en} }

// KindOf returns the kind of the first *Error in err's chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	var fe FieldErrors
	if errors.As(err, &fe) {
		return Unprocessable
	}
	return Internal
}

// As returns the first *Error in err's chain, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Wrap prefixes *errp with a formatted context when it is not nil:
//
//	defer apperr.Wrap(&err, "catalog.FindProduct(%q)", slug)
func Wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}
