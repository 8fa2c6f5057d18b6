"""The Kubernetes manifests that follow from code: `python -m palapa.tools.k8s` writes them into deploy/k8s/,
`--check` says whether the committed ones are current; `crd-schema` turns an operator's CRD into the JSON schema
files the tests validate its resources with. The rest of deploy/k8s is written by hand (docs/deploy.md)."""
