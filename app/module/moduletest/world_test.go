package moduletest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/identity"
)

// toy is a module for testing the kit itself.
type toy struct{}

type toyMsg struct {
	Key  string `cbor:"1,keyasint"`
	Fail bool   `cbor:"2,keyasint,omitempty"`
	Mode string `cbor:"3,keyasint,omitempty"` // "panic", "internal", "steps"
}

func (m *toyMsg) Validate() error {
	if m.Key == "" {
		return module.ErrInvalidField.Wrapf("key")
	}
	return nil
}

var errToy = module.Register("toy", 990, "toy refused")

const roleWriter = "toy.writer"

func (toy) Name() string            { return "toy" }
func (toy) Queries() []module.Query { return nil }
func (toy) Roles() []module.Role {
	return []module.Role{{Name: roleWriter, Doc: "writes", Grantors: []string{module.AnyDepartment}}}
}
func (toy) InitGenesis(ctx *module.Context, raw []byte) error {
	ctx.Store().Set([]byte("genesis"), raw)
	return nil
}

func (toy) Routes() []module.Route {
	set := func(ctx *module.Context, m *toyMsg) error {
		ctx.Store().Set([]byte(m.Key), []byte(ctx.Time.Format(time.RFC3339)))
		ctx.Emit("toy.set", "key", m.Key)
		switch {
		case m.Fail:
			return errToy
		case m.Mode == "panic":
			panic("boom")
		case m.Mode == "internal":
			return errors.New("disk on fire")
		case m.Mode == "steps":
			for i := 0; ; i++ {
				ctx.Store().Get([]byte(m.Key))
			}
		}
		return nil
	}
	return []module.Route{
		module.NewRoute("toy.set", []string{roleWriter}, "set", set),
		module.NewRoute("toy.note", nil, "note", set),
	}
}

func toyWorld(t *testing.T) *World {
	w := New(t, identity.New(), toy{})
	w.Department("dept")
	w.Official("writer", "dept", roleWriter)
	w.Official("clerk", "dept")
	w.Citizen("citizen", "dept")
	w.SetGenesis("toy", "hello")
	return w
}

func TestExecLikeTheApplication(t *testing.T) {
	w := toyWorld(t)
	if v, _ := w.State().Get([]byte("toy/genesis")); string(v) != `"hello"` {
		t.Fatalf("toy genesis %q", v)
	}
	seq := func(name string) uint64 { return w.Account(name).Sequence }

	r := w.ExpectOK(t, "writer", "toy.set", toyMsg{Key: "a"})
	if _, ok := r.Event("toy.set"); !ok || seq("writer") != 1 {
		t.Fatalf("events %v, sequence %d", r.Events, seq("writer"))
	}
	// Refused before the handler: no sequence, no write.
	before := w.Snapshot()
	for _, c := range []struct {
		signer, typ string
		code        uint32
	}{
		{"clerk", "toy.set", module.ErrUnauthorized.Code},
		{"citizen", "toy.set", module.ErrUnauthorized.Code},
		{"nobody", "toy.set", module.ErrUnknownSigner.Code},
		{"writer", "toy.mint", module.ErrUnknownMsgType.Code},
	} {
		if r := w.ExpectCode(t, c.code, c.signer, c.typ, toyMsg{Key: "b"}); r.Authenticated {
			t.Fatalf("%s authenticated", r)
		}
	}
	w.Unchanged(t, before)
	// Refused by the handler: the sequence advances, nothing else.
	r = w.ExpectCode(t, errToy.Code, "clerk", "toy.note", toyMsg{Key: "b", Fail: true})
	if !r.Authenticated || seq("clerk") != 1 || len(r.Events) != 0 {
		t.Fatalf("%s: sequence %d, events %v", r, seq("clerk"), r.Events)
	}
	if d := before.Diff(w.Snapshot()); len(d) != 1 || !strings.HasPrefix(d[0], "~ identity/acct/") {
		t.Fatalf("a refused message changed %v", d)
	}
	w.ExpectCode(t, module.ErrInvalidField.Code, "clerk", "toy.note", toyMsg{})
	w.ExpectCode(t, module.ErrBadMessage.Code, "clerk", "toy.note", []byte{0xff})
	w.ExpectCode(t, module.ErrOutOfSteps.Code, "clerk", "toy.note", toyMsg{Key: "s", Mode: "steps"})
	if r := w.Exec("clerk", "toy.note", toyMsg{Key: "i", Mode: "internal"}); r.Code() != module.ErrInternal.Code || r.Cause == nil {
		t.Fatalf("internal error: %s", r)
	}
	if r := w.Exec("clerk", "toy.note", toyMsg{Key: "p", Mode: "panic"}); r.Code() != module.ErrInternal.Code || !strings.Contains(r.Panic, "boom") {
		t.Fatalf("panic: %s", r)
	}
	// A disabled account no longer signs.
	w.ExpectOK(t, "dept", identity.TypeDisableAccount, identity.MsgDisableAccount{Account: w.Addr("clerk")})
	w.ExpectCode(t, module.ErrSignerDisabled.Code, "clerk", "toy.note", toyMsg{Key: "c"})
	if n := len(w.Events()); n < 2 {
		t.Fatalf("%d events since genesis", n)
	}
}

func TestBlocksAndTime(t *testing.T) {
	w := toyWorld(t)
	if w.Height() != 1 || !w.Time().Equal(GenesisTime.Add(time.Second)) {
		t.Fatalf("first block %d at %v", w.Height(), w.Time())
	}
	w.NextBlocks(2)
	if w.Height() != 3 || !w.Time().Equal(GenesisTime.Add(3*time.Second)) {
		t.Fatalf("block %d at %v", w.Height(), w.Time())
	}
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	w.SetTime(at)
	w.ExpectOK(t, "writer", "toy.set", toyMsg{Key: "t"})
	if v, _ := w.State().Get([]byte("toy/t")); string(v) != at.Format(time.RFC3339) {
		t.Fatalf("handler saw time %s", v)
	}
	// Officials added after genesis are created by their department's admin.
	addr := w.Official("late", "dept", roleWriter)
	if a := w.Account("late"); a == nil || a.Address != addr || !a.HasRole(roleWriter) {
		t.Fatalf("late official %+v", a)
	}
}

func TestRoleTableOfToy(t *testing.T) {
	w := toyWorld(t)
	CheckRoleTable(t, w, toy{}, RoleTable{
		{Type: "toy.set", Roles: []string{roleWriter}, Body: toyMsg{Key: "r"}, Attempts: []Attempt{
			{Signer: "dept", Code: module.ErrUnauthorized.Code}, // department.admin: a wrong role
			{Signer: "clerk", Code: module.ErrUnauthorized.Code},
			{Signer: "writer"},
		}},
		{Type: "toy.note", Body: toyMsg{Key: "n"}, Attempts: []Attempt{{Signer: "citizen"}}},
	})
}

func TestRoleTableGaps(t *testing.T) {
	ok := RoleCase{Type: "toy.note", Attempts: []Attempt{{Signer: "citizen"}}}
	if g := coverageGaps(toy{}, RoleTable{ok}); len(g) != 1 || g[0] != "no case for toy.set" {
		t.Fatalf("missing route: %v", g)
	}
	if g := coverageGaps(toy{}, RoleTable{ok, {Type: "toy.set"}, {Type: "toy.mint"}, ok}); len(g) != 2 {
		t.Fatalf("unrouted and doubled types: %v", g)
	}
	set := module.Route{Type: "toy.set", Roles: []string{roleWriter}}
	if g := roleGaps(set, tried{right: true, none: true}); len(g) != 1 || !strings.Contains(g[0], "wrong role") {
		t.Fatalf("no wrong role tried: %v", g)
	}
	if g := roleGaps(set, tried{right: true, wrong: true}); len(g) != 1 || !strings.Contains(g[0], "holding no role refused") {
		t.Fatalf("no role-less signer tried: %v", g)
	}
	if g := roleGaps(module.Route{Type: "toy.note"}, tried{}); len(g) != 1 {
		t.Fatalf("open route without a role-less success: %v", g)
	}
	if g := roleGaps(set, tried{true, true, true}); len(g) != 0 {
		t.Fatalf("complete case: %v", g)
	}
}
