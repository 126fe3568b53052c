// Command conformance-image writes the suite's OCI image (see package image) from a static
// binary, as a tarball for `docker load` and as an OCI layout directory; `make image` runs it.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"

	"github.com/conformance-suite/conformance/deploy/image"
)

func main() {
	var o image.Options
	flag.StringVar(&o.Binary, "binary", "", "the static conformance `binary` (CGO_ENABLED=0)")
	flag.StringVar(&o.CACerts, "ca-certs", "/etc/ssl/certs/ca-certificates.crt", "PEM `bundle` of CA certificates for HTTPS targets")
	flag.StringVar(&o.OS, "os", runtime.GOOS, "the binary's GOOS")
	flag.StringVar(&o.Arch, "arch", runtime.GOARCH, "the binary's GOARCH")
	flag.StringVar(&o.Version, "version", "", "org.opencontainers.image.version label")
	tarballPath := flag.String("tarball", "", "write a `file` that docker load and podman load read")
	layoutDir := flag.String("oci-layout", "", "write an OCI image layout `directory`")
	ref := flag.String("tag", image.Ref, "the `tag` the tarball carries")
	flag.Parse()
	if o.Binary == "" || flag.NArg() > 0 || (*tarballPath == "" && *layoutDir == "") {
		fmt.Fprintln(os.Stderr, "usage: conformance-image -binary FILE [-tarball FILE] [-oci-layout DIR] [-tag REF]")
		os.Exit(2)
	}
	img, err := image.Build(o)
	if err == nil && *tarballPath != "" {
		err = image.WriteTarball(*tarballPath, *ref, img)
	}
	if err == nil && *layoutDir != "" {
		err = image.WriteLayout(*layoutDir, img)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "conformance-image:", err)
		os.Exit(1)
	}
	digest, _ := img.Digest()
	fmt.Printf("conformance-image: %s %s\n", *ref, digest)
}
