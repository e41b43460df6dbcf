package moduletest

import (
	"testing"

	"github.com/govchain/govchain/app/module"
)

// ExpectOK runs Exec and fails t unless the transaction succeeded.
func (w *World) ExpectOK(t testing.TB, signer, typ string, body any) *Result {
	t.Helper()
	r := w.Exec(signer, typ, body)
	if r.Panic != "" || r.Err != nil {
		t.Fatalf("%s", r)
	}
	return r
}

// ExpectCode runs Exec and fails t unless the transaction was refused with
// code, with a message, and left the state byte for byte as the
// application would: untouched when the signer or its roles were refused,
// and with nothing but the signer's advanced sequence when the message
// was.
func (w *World) ExpectCode(t testing.TB, code uint32, signer, typ string, body any) *Result {
	t.Helper()
	if code == 0 {
		t.Fatal("moduletest: ExpectCode(0): use ExpectOK")
	}
	before := w.Snapshot()
	want := before
	r := w.exec(signer, typ, body, func() { want = w.state.Snapshot() })
	if r.Panic != "" {
		t.Fatalf("%s", r)
	}
	if r.Code() != code {
		t.Fatalf("%s; want code %d (%s)", r, code, codeMsg(code))
	}
	if r.Err.Error() == "" {
		t.Fatalf("%s: refused without a message", r)
	}
	if d := want.Diff(w.state.Snapshot()); len(d) > 0 {
		t.Fatalf("%s: refused, yet changed state:\n%s", r, describeDiff(d))
	}
	return r
}

// Unchanged fails t unless the state equals snap byte for byte.
func (w *World) Unchanged(t testing.TB, snap Snapshot) {
	t.Helper()
	if d := snap.Diff(w.Snapshot()); len(d) > 0 {
		t.Fatalf("state changed:\n%s", describeDiff(d))
	}
}

func codeMsg(code uint32) string {
	if e, ok := module.Codes()[code]; ok {
		return e.Msg
	}
	return "unregistered"
}
