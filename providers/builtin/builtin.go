// Package builtin registers the providers the suite ships with. Import it (for its side
// effect) wherever specs are loaded or credentials are read.
package builtin

import (
	_ "github.com/conformance-suite/conformance/providers/alibabacloud"
	_ "github.com/conformance-suite/conformance/providers/huaweicloud"
	_ "github.com/conformance-suite/conformance/providers/zstack"
)
