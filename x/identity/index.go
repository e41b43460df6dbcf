package identity

import (
	"strings"

	"github.com/govchain/govchain/app/module"
)

// IndexTables declares the identity module's typed tables of the SQL index
// (issue 18). The Reader an IndexEvent carries is this module's state at
// the event's height (rooted at "identity/"); each row's StateKey is the
// full state key, for /v1/state/{key}?prove=true. The account sequence is
// not indexed: it changes with every transaction without an event.
func (m *Module) IndexTables() []module.IndexTable {
	accountEvents := []string{"identity.account_created", "identity.role_granted", "identity.role_revoked",
		"identity.key_rotated", "identity.account_disabled"}
	return []module.IndexTable{
		{
			Name: "accounts", Doc: "Accounts by address, with department, roles and status.",
			Columns: []module.Column{
				{Name: "address", Type: module.Text, Key: true},
				{Name: "department", Type: module.Text, Indexed: true},
				{Name: "algorithm", Type: module.Text},
				{Name: "roles", Type: module.Text, Doc: "roles, comma-separated, as stored (sorted)"},
				{Name: "citizen", Type: module.Bool, Indexed: true},
				{Name: "disabled", Type: module.Bool},
				{Name: "created_height", Type: module.Int},
			},
			Events: accountEvents,
			Rows:   accountRows,
		},
		{
			Name: "departments", Doc: "Departments by id, with name, admins and status.",
			Columns: []module.Column{
				{Name: "id", Type: module.Text, Key: true},
				{Name: "name", Type: module.Text},
				{Name: "admins", Type: module.Int},
				{Name: "has_validator", Type: module.Bool},
				{Name: "removed", Type: module.Bool},
				{Name: "created_height", Type: module.Int},
			},
			// An account's role change can change its department's admin
			// count, so account events refresh the department too.
			Events: append([]string{"identity.department_added", "identity.department_removed"}, accountEvents...),
			Rows:   departmentRows,
		},
	}
}

func accountRows(e module.IndexEvent) ([]module.Row, error) {
	a, err := GetAccount(e.State, e.Attr("address"))
	if err != nil {
		return nil, err
	}
	return []module.Row{{StateKey: Name + "/" + accountKey(a.Address), Values: map[string]any{
		"address": a.Address, "department": a.Department, "algorithm": a.Algorithm,
		"roles": strings.Join(a.Roles, ","), "citizen": a.Citizen, "disabled": a.Disabled, "created_height": a.Created,
	}}}, nil
}

func departmentRows(e module.IndexEvent) ([]module.Row, error) {
	id := e.Attr("id")
	if id == "" {
		a, err := GetAccount(e.State, e.Attr("address"))
		if err != nil {
			return nil, err
		}
		id = a.Department
	}
	d, err := GetDepartment(e.State, id)
	if err != nil {
		return nil, err
	}
	return []module.Row{{StateKey: Name + "/" + deptKey(d.ID), Values: map[string]any{
		"id": d.ID, "name": d.Name, "admins": int64(d.Admins), "has_validator": d.Validator != nil,
		"removed": d.Removed, "created_height": d.Created,
	}}}, nil
}
