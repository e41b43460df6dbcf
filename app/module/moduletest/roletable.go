package moduletest

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/identity"
)

// RoleTable is a module's role table: one case per message type it routes.
type RoleTable []RoleCase

// RoleCase pins the roles of one message type and tries it with signers
// who may and may not send it.
type RoleCase struct {
	Type string
	// Roles are the roles the route must declare (nil: open to any active
	// account). A route whose roles change fails the table until it is
	// updated.
	Roles []string
	// Body is sent by every attempt that has no body of its own.
	Body any
	// Attempts run in order; refusals leave no trace, so put the
	// successful attempt last unless a refusal depends on it.
	Attempts []Attempt
}

// Attempt is one signer sending the message, and the code expected (0:
// success).
type Attempt struct {
	Signer string
	Code   uint32
	Body   any
}

// CheckRoleTable checks that table covers m exactly and that its attempts
// give the codes it says, in w (which must hold m).
//
// Coverage: every message type m routes has exactly one case, every case
// names a type m routes, and each case's Roles are the route's. Each case
// of a route with roles must try the right role (an attempt that succeeds
// by a signer holding one of them), a wrong role (a signer holding roles,
// none of them the route's, refused with module.ErrUnauthorized) and no
// role (a signer holding none, refused with ErrUnauthorized); a case of an
// open route must succeed for a signer holding no role. Signers are
// classified by the roles they hold when their attempt runs.
func CheckRoleTable(t *testing.T, w *World, m module.Module, table RoleTable) {
	t.Helper()
	if !slices.ContainsFunc(w.mods, func(x module.Module) bool { return x.Name() == m.Name() }) {
		t.Fatalf("moduletest: CheckRoleTable: module %s is not in the world", m.Name())
	}
	if gaps := coverageGaps(m, table); len(gaps) > 0 {
		t.Fatalf("role table of %s:\n%s", m.Name(), strings.Join(gaps, "\n"))
	}
	for _, c := range table {
		t.Run(c.Type, func(t *testing.T) {
			t.Helper()
			for _, gap := range checkRoleCase(t, w, c) {
				t.Error(gap)
			}
		})
	}
}

// coverageGaps lists how table fails to cover m's routes exactly.
func coverageGaps(m module.Module, table RoleTable) []string {
	var gaps []string
	routed := routeTypes(m)
	seen := map[string]bool{}
	for _, c := range table {
		if seen[c.Type] {
			gaps = append(gaps, c.Type+" is listed twice")
		}
		seen[c.Type] = true
		if !slices.Contains(routed, c.Type) {
			gaps = append(gaps, c.Type+" is not a message type the module routes")
		}
	}
	for _, typ := range routed {
		if !seen[typ] {
			gaps = append(gaps, "no case for "+typ)
		}
	}
	return gaps
}

// tried records which kinds of signer a case tried.
type tried struct{ right, wrong, none bool }

// checkRoleCase runs a case's attempts and returns what the case fails to
// try.
func checkRoleCase(t *testing.T, w *World, c RoleCase) []string {
	t.Helper()
	route, _ := w.Route(c.Type)
	if want := module.SortedUnique(c.Roles); !slices.Equal(want, route.Roles) {
		return []string{fmt.Sprintf("%s: the route needs one of %v, the table says %v", c.Type, route.Roles, want)}
	}
	var got tried
	for _, a := range c.Attempts {
		var roles []string
		if acct := w.Account(a.Signer); acct != nil {
			roles = acct.Roles
		}
		holds := module.Allowed(route, module.Signer{Roles: roles})
		body := a.Body
		if body == nil {
			body = c.Body
		}
		if a.Code == 0 {
			w.ExpectOK(t, a.Signer, c.Type, body)
			got.right = got.right || (holds && len(route.Roles) > 0) || (len(route.Roles) == 0 && len(roles) == 0)
			continue
		}
		w.ExpectCode(t, a.Code, a.Signer, c.Type, body)
		if a.Code == module.ErrUnauthorized.Code && !holds {
			got.wrong = got.wrong || len(roles) > 0
			got.none = got.none || len(roles) == 0
		}
	}
	return roleGaps(route, got)
}

// roleGaps lists the kinds of signer a case of route must try and did not.
func roleGaps(route module.Route, got tried) []string {
	if len(route.Roles) == 0 {
		if !got.right {
			return []string{route.Type + " is open to any account: no successful attempt by a signer holding no role"}
		}
		return nil
	}
	var gaps []string
	if !got.right {
		gaps = append(gaps, fmt.Sprintf("%s: no successful attempt by a signer holding one of %v", route.Type, route.Roles))
	}
	if !got.wrong {
		gaps = append(gaps, fmt.Sprintf("%s: no attempt by a signer with a wrong role (roles, none of %v) refused with code %d", route.Type, route.Roles, module.ErrUnauthorized.Code))
	}
	if !got.none {
		gaps = append(gaps, fmt.Sprintf("%s: no attempt by a signer holding no role refused with code %d", route.Type, module.ErrUnauthorized.Code))
	}
	return gaps
}

// KitPath is this package's import path.
const KitPath = "github.com/govchain/govchain/app/module/moduletest"

// CheckEveryModuleHasRoleTable fails for each module of mods whose package
// has no test file calling CheckRoleTable (read from the source, with
// go/parser: the test binaries of different packages share nothing, so a
// module's own test run cannot report to this one). Together with
// CheckRoleTable, which fails a module's tests when its table misses a
// route, `go test ./...` fails for a module that lands without a complete
// role table. node's tests call it with node.Modules().
func CheckEveryModuleHasRoleTable(t *testing.T, mods []module.Module) {
	t.Helper()
	checkEveryModuleCalls(t, mods, "CheckRoleTable", "a role table covering each message it routes")
}

// CheckEveryModuleHasGrantTable fails for each module of mods that defines
// a role (other than department.admin) and whose package has no test file
// calling CheckGrantTable: every module pins which departments grant its
// roles, and shows that the others cannot.
func CheckEveryModuleHasGrantTable(t *testing.T, mods []module.Module) {
	t.Helper()
	var granting []module.Module
	for _, m := range mods {
		for _, r := range m.Roles() {
			if r.Name != identity.RoleAdmin {
				granting = append(granting, m)
				break
			}
		}
	}
	checkEveryModuleCalls(t, granting, "CheckGrantTable", "a grant table: the departments entitled to grant each of its roles, and that the others cannot")
}

// checkEveryModuleCalls fails for each module of mods whose package has
// no test file calling the kit's function fn.
func checkEveryModuleCalls(t *testing.T, mods []module.Module, fn, what string) {
	t.Helper()
	for _, m := range mods {
		typ := reflect.TypeOf(m)
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		pkg := typ.PkgPath()
		bp, err := build.Import(pkg, ".", build.FindOnly)
		if err != nil {
			t.Fatalf("module %s: finding package %s: %v", m.Name(), pkg, err)
		}
		ok, err := callsKit(bp.Dir, fn)
		if err != nil {
			t.Fatalf("module %s: %v", m.Name(), err)
		}
		if !ok {
			t.Errorf("module %s (%s) has no test calling moduletest.%s: every module carries %s (app/module/moduletest)", m.Name(), pkg, fn, what)
		}
	}
}

// callsCheckRoleTable reports whether a _test.go file of dir calls
// CheckRoleTable of this package.
func callsCheckRoleTable(dir string) (bool, error) { return callsKit(dir, "CheckRoleTable") }

// callsKit reports whether a _test.go file of dir calls the function fn
// of this package.
func callsKit(dir, fn string) (bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return false, err
	}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			return false, err
		}
		local := ""
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == KitPath {
				local = "moduletest"
				if imp.Name != nil {
					local = imp.Name.Name
				}
			}
		}
		if local == "" {
			continue
		}
		found := false
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return !found
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == fn {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == local {
					found = true
				}
			}
			return !found
		})
		if found {
			return true, nil
		}
	}
	return false, nil
}
