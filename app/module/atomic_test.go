package module_test

import (
	"errors"
	"testing"
	"time"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/app/module/moduletest"
)

// Atomic lands a step's writes, events and validator updates only when it
// succeeds; a failed step leaves everything as it was, nested or not.
func TestAtomic(t *testing.T) {
	st := moduletest.NewState()
	ctx := module.NewContext("c", 1, time.Unix(0, 0), module.Signer{}, st).WithModule("m")
	ctx.Store().Set([]byte("keep"), []byte("1"))
	before := st.Snapshot()
	fail := errors.New("fail")
	err := ctx.Atomic(func() error {
		ctx.Store().Set([]byte("a"), []byte("x"))
		ctx.Store().Delete([]byte("keep"))
		ctx.Emit("e")
		ctx.UpdateValidator([]byte{1}, 5)
		if v, ok := ctx.Store().Get([]byte("a")); !ok || string(v) != "x" {
			t.Fatal("a step does not read its own write")
		}
		if _, ok := ctx.Store().Get([]byte("keep")); ok {
			t.Fatal("a step reads a key it deleted")
		}
		return fail
	})
	if !errors.Is(err, fail) || len(ctx.Events()) != 0 || len(ctx.ValidatorUpdates()) != 0 {
		t.Fatalf("failed step: %v, events %v, updates %v", err, ctx.Events(), ctx.ValidatorUpdates())
	}
	if diff := before.Diff(st.Snapshot()); len(diff) != 0 {
		t.Fatalf("a failed step changed the state:\n%s", diff)
	}
	// Nested: the inner failure is discarded, the outer success lands.
	err = ctx.Atomic(func() error {
		ctx.Store().Set([]byte("b"), []byte("2"))
		ctx.Emit("outer")
		if ctx.Atomic(func() error { ctx.Store().Set([]byte("c"), []byte("3")); ctx.Emit("inner"); return fail }) == nil {
			t.Fatal("inner step did not fail")
		}
		ctx.Store().Delete([]byte("keep"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := st.Get([]byte("m/b")); !ok || string(v) != "2" {
		t.Fatal("the outer write did not land")
	}
	if _, ok := st.Get([]byte("m/c")); ok {
		t.Fatal("the inner failed write landed")
	}
	if _, ok := st.Get([]byte("m/keep")); ok {
		t.Fatal("the outer delete did not land")
	}
	if evs := ctx.Events(); len(evs) != 1 || evs[0].Type != "outer" {
		t.Fatalf("events %v", evs)
	}
}

func TestInModuleRootsStoreAndRestores(t *testing.T) {
	root := moduletest.NewState()
	c := module.NewContext("c", 1, time.Unix(0, 0), module.Signer{}, root).WithModule("procurement")
	c.Store().Set([]byte("a"), []byte("1"))
	err := c.InModule("fiscal", func() error {
		c.Store().Set([]byte("line"), []byte("2"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Store().Set([]byte("b"), []byte("3"))
	for k, want := range map[string]string{"procurement/a": "1", "fiscal/line": "2", "procurement/b": "3"} {
		if v, ok := root.Get([]byte(k)); !ok || string(v) != want {
			t.Errorf("%s = %q %v, want %q", k, v, ok, want)
		}
	}
}
