package image

import "github.com/google/go-containerregistry/pkg/name"

// Ref is the tag `make image` gives the image.
const Ref = "conformance:latest"

func parseTag(ref string) (name.Tag, error) { return name.NewTag(ref) }
