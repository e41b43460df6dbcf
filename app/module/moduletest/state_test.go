package moduletest

import (
	"slices"
	"testing"
)

func TestStateSnapshotDiff(t *testing.T) {
	s := NewState()
	s.Set([]byte("b"), []byte("2"))
	s.Set([]byte("a"), []byte("1"))
	s.Set([]byte("c"), nil)
	if v, ok := s.Get([]byte("c")); !ok || v == nil || len(v) != 0 {
		t.Fatalf("a nil value is stored as empty: %v %v", v, ok)
	}
	before := s.Snapshot()
	if !before.Equal(s.Snapshot()) || before.Len() != 3 {
		t.Fatal("a snapshot equals its state")
	}
	s.Delete([]byte("a"))
	s.Set([]byte("b"), []byte("3"))
	s.Set([]byte("d"), []byte("4"))
	got := before.Diff(s.Snapshot())
	if want := []string{"- a", "~ b", "+ d"}; !slices.Equal(got, want) {
		t.Fatalf("diff %v, want %v", got, want)
	}
	if k := s.Keys(""); !slices.Equal(k, []string{"b", "c", "d"}) {
		t.Fatalf("keys %v", k)
	}
	// Values handed out are copies: editing one does not edit the state.
	v, _ := s.Get([]byte("b"))
	v[0] = 'x'
	if w, _ := s.Get([]byte("b")); string(w) != "3" {
		t.Fatal("Get returned the state's own bytes")
	}
}

func TestOverlayAppliesOnlyWhenAsked(t *testing.T) {
	s := NewState()
	s.Set([]byte("k"), []byte("v"))
	o := newOverlay(s)
	o.Set([]byte("n"), []byte("1"))
	o.Delete([]byte("k"))
	if _, ok := o.Get([]byte("k")); ok {
		t.Fatal("the overlay reads its own delete")
	}
	if _, ok := s.Get([]byte("n")); ok {
		t.Fatal("overlay writes reached the state before apply")
	}
	o.apply()
	if _, ok := s.Get([]byte("k")); ok {
		t.Fatal("delete not applied")
	}
	if v, _ := s.Get([]byte("n")); string(v) != "1" {
		t.Fatal("set not applied")
	}
}
