package pipeline

import "github.com/vn-registries/dq/contract"

// ImportContract reads a data contract written for another tool (ODCS
// v3, dbt schema.yml, Soda) into dq dataset blocks; name is used in
// messages. Its YAML is what an ad hoc run's Block takes.
func ImportContract(name string, raw []byte) (*contract.Result, error) {
	return contract.Import(name, raw)
}
