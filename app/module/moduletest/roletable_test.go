package moduletest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCallsCheckRoleTable(t *testing.T) {
	for _, c := range []struct {
		src  string
		want bool
	}{
		{`package x_test
import mt "` + KitPath + `"
func TestRoles(t *testing.T) { mt.CheckRoleTable(t, nil, nil, nil) }`, true},
		{`package x_test
import "` + KitPath + `"
func TestRoles(t *testing.T) { _ = moduletest.New }`, false},
		{`package x_test
import other "example.com/other/moduletest"
func TestRoles(t *testing.T) { other.CheckRoleTable(t, nil, nil, nil) }`, false},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "x_test.go"), []byte(c.src), 0o600); err != nil {
			t.Fatal(err)
		}
		// A non-test file calling it does not count.
		os.WriteFile(filepath.Join(dir, "x.go"), []byte("package x\nimport \""+KitPath+"\"\nvar _ = moduletest.CheckRoleTable\n"), 0o600)
		got, err := callsCheckRoleTable(dir)
		if err != nil || got != c.want {
			t.Errorf("%s\n: %v %v, want %v", c.src, got, err, c.want)
		}
	}
}
