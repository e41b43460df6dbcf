package node

import "github.com/govchain/govchain/api"

// EventBroker implements api.EventSource: the API streams committed
// transactions (GET /v1/events) from the broker that onCommit feeds.
func (n *Node) EventBroker() *api.EventBroker { return n.Events }
