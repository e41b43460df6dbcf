package node

import (
	"github.com/govchain/govchain/app/module"
	"github.com/govchain/govchain/x/modules"
)

// Modules is the chain's module list (x/modules: a new module is a folder
// under x/ and one line there).
func Modules() []module.Module { return modules.All() }
