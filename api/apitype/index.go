package apitype

// The SQL index's read API (GET /v1/index/..., issue 18). Every row of a
// module table carries the height and state key it was read from, so its
// state proof (GET /v1/state/{state_key}?height={height}&prove=true, or
// prove=true on the list) lets a reader check it against signed headers
// instead of trusting the index.

// IndexStatus is the embedded indexer's progress (in Status).
type IndexStatus struct {
	// Height is the last height the index holds completely.
	Height int64 `json:"height"`
	// Lag is the node's last committed height minus Height.
	Lag int64 `json:"lag"`
	// Database is "sqlite" or "postgres".
	Database string `json:"database"`
}

// IndexColumn is one column of an index table.
type IndexColumn struct {
	Name string `json:"name"`
	// Type is text, int, bool or bytes.
	Type    string `json:"type"`
	Key     bool   `json:"key,omitempty"`
	Indexed bool   `json:"indexed,omitempty"`
	Doc     string `json:"doc,omitempty"`
}

// IndexTable describes a table of the index: a module's (rows carry
// height and state_key) or the chain's own (txs, blocks, events).
type IndexTable struct {
	Module  string        `json:"module"`
	Name    string        `json:"name"`
	Doc     string        `json:"doc,omitempty"`
	Columns []IndexColumn `json:"columns"`
	// Provable rows carry height and state_key.
	Provable bool `json:"provable"`
}

// IndexTables lists the index's tables.
type IndexTables struct {
	Height int64        `json:"index_height"`
	Tables []IndexTable `json:"tables"`
}

// IndexFilter is one condition of a list or aggregate: Op is eq (equal),
// has (a comma-separated list column contains the value), prefix, gte or
// lt.
type IndexFilter struct {
	Column string `json:"column"`
	Op     string `json:"op"`
	Value  string `json:"value"`
}

// IndexListRequest asks for one page of a table.
type IndexListRequest struct {
	Module, Table string
	Where         []IndexFilter
	Sort          string // a column; default the key
	Desc          bool
	Limit         int
	After         string // the previous page's Next
}

// IndexRow is one row: its values by column, and where it came from.
type IndexRow struct {
	Values map[string]any `json:"values"`
	// Height is the block whose state the row was read from.
	Height int64 `json:"height"`
	// StateKey is the state key of the record (module tables).
	StateKey string `json:"state_key,omitempty"`
	// ProofURL is where the row's proof is: the state key's proof at
	// Height, or a transaction's receipt.
	ProofURL string `json:"proof_url,omitempty"`
	// Proof is the state proof, with prove=true.
	Proof *State `json:"proof,omitempty"`
}

// IndexPage is a page of rows with the total the filters match.
type IndexPage struct {
	Table       string     `json:"table"`
	IndexHeight int64      `json:"index_height"`
	Total       int64      `json:"total"`
	Rows        []IndexRow `json:"rows"`
	// Next is the cursor of the next page (absent on the last).
	Next string `json:"next,omitempty"`
}

// IndexAggregateRequest groups a table's rows.
type IndexAggregateRequest struct {
	Module, Table string
	Where         []IndexFilter
	Group         []string // columns to group by (none: one group)
	Sum           []string // int columns to sum
	Limit         int
}

// IndexGroup is one group of an aggregate.
type IndexGroup struct {
	Keys  map[string]any   `json:"keys"`
	Count int64            `json:"count"`
	Sums  map[string]int64 `json:"sums,omitempty"`
}

// IndexAggregate is the groups of an aggregate, ordered by their keys.
type IndexAggregate struct {
	Table       string       `json:"table"`
	IndexHeight int64        `json:"index_height"`
	Groups      []IndexGroup `json:"groups"`
}

// IndexSearchHit is a row whose key or indexed text starts with the query.
type IndexSearchHit struct {
	Table    string         `json:"table"`
	Column   string         `json:"column"`
	Match    string         `json:"match"`
	Key      map[string]any `json:"key"`
	Height   int64          `json:"height"`
	StateKey string         `json:"state_key,omitempty"`
}

// IndexSearch is the answer of a search.
type IndexSearch struct {
	Query       string           `json:"query"`
	IndexHeight int64            `json:"index_height"`
	Hits        []IndexSearchHit `json:"hits"`
}
