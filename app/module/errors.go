package module

import (
	"errors"
	"fmt"
)

// Error is a rejection with a stable numeric code. Codes are unique across
// the whole chain: 1-99 belong to the application, 100-199 to identity, and
// each further module takes the next hundred; 900-999 are the API's own
// refusals before a transaction reaches the chain.
type Error struct {
	Codespace string
	Code      uint32
	Msg       string
	detail    string
	missing   bool // returned by Load for an absent record
}

// Missing reports whether the error says a record does not exist (readers
// such as the API answer it with 404).
func (e *Error) Missing() bool { return e.missing }

// AsMissing returns a copy of e that reads as "nothing found" (the API's
// 404), for a query that found nothing to answer with.
func (e *Error) AsMissing() *Error {
	c := *e
	c.missing = true
	return &c
}

// IsMissing reports whether err is an error of a record that does not
// exist.
func IsMissing(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.missing
}

func (e *Error) Error() string {
	if e.detail == "" {
		return e.Msg
	}
	return e.Msg + ": " + e.detail
}

// Is matches errors by codespace and code, so a wrapped error is still
// errors.Is the registered one.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code && t.Codespace == e.Codespace
}

// Detail is the error's detail ("" when none).
func (e *Error) Detail() string { return e.detail }

// Wrapf returns the error with a detail message.
func (e *Error) Wrapf(format string, args ...any) *Error {
	c := *e
	c.detail = fmt.Sprintf(format, args...)
	return &c
}

var registered = map[uint32]*Error{}

// Register declares a code; it panics on a duplicate, which is a
// programming error caught by any test.
func Register(codespace string, code uint32, msg string) *Error {
	if prev, ok := registered[code]; ok {
		panic(fmt.Sprintf("module: code %d registered twice (%s, %s)", code, prev.Msg, msg))
	}
	e := &Error{Codespace: codespace, Code: code, Msg: msg}
	registered[code] = e
	return e
}

// Codes lists every registered error (for docs and the API).
func Codes() map[uint32]*Error { return registered }

// Errors every module may return.
var (
	ErrBadMessage   = Register("app", 20, "malformed message body")
	ErrOutOfSteps   = Register("app", 21, "transaction exceeded its step limit")
	ErrInvalidField = Register("app", 22, "invalid field")
)

// Errors of the application's authorization of a signer and its messages,
// declared here so that the module test kit (app/module/moduletest) returns
// the very codes the application does; package app re-exports them.
var (
	ErrUnknownSigner  = Register("app", 5, "unknown signer account")
	ErrUnknownMsgType = Register("app", 8, "unknown message type")
	ErrUnauthorized   = Register("app", 9, "signer lacks the role this message needs")
	ErrSignerDisabled = Register("app", 10, "signer account is disabled")
)

// AsError converts any error into a coded one (internal errors get code 99
// and no detail, so nothing internal leaks).
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return ErrInternal
}

// ErrInternal is an unexpected failure (corrupt state); its detail is logged,
// not returned.
var ErrInternal = Register("app", 99, "internal error")
