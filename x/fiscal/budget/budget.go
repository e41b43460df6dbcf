// Package budget is the contract between the fiscal module, which keeps
// budget lines, and the modules that spend from them (procurement,
// welfare). A spending module is built with a Lines and calls it from its
// handlers; x/fiscal implements it. With no Lines (a chain without
// x/fiscal) the spending module skips budget checks.
//
// It holds only this interface and must import nothing but app/module.
package budget

import "github.com/govchain/govchain/app/module"

// Lines is what a spending module needs of the budget lines. Amounts are
// integer fen. Every method either changes the line's state and returns nil
// or returns a *module.Error with a stable fiscal code and changes nothing.
// Implementations write their own state through ctx.InModule.
type Lines interface {
	// Commit reserves amount on line for ref (what caused it, e.g.
	// "procurement/ocds-gc-1/award" or "welfare/prog-1/2026-11"); refused
	// when the line is missing or closed, the signer's department may not
	// spend from it, or the line's available balance is below amount.
	Commit(ctx *module.Context, line string, amount uint64, ref string) error
	// Uncommit returns amount of ref's commitment on line, not yet paid,
	// to the line's available balance.
	Uncommit(ctx *module.Context, line string, amount uint64, ref string) error
	// Pay pays amount to payee (an organisation identifier or a citizen's
	// pseudonymous id, never a name) out of ref's commitment on line;
	// refused when it exceeds what ref committed and has not yet paid.
	// payID is unique per payment (e.g. "welfare/prog-1/2026-11/<addr>");
	// a second Pay with the same payID is refused.
	Pay(ctx *module.Context, line string, amount uint64, payee, ref, payID, purpose string) error
}
