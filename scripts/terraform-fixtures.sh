#!/usr/bin/env bash
# Regenerates the `terraform show -json` plan fixtures (test/fixtures/stacks/tf-*/plan.json) from
# the .tf files beside them, offline: the AWS provider comes from a filesystem mirror
# (TF_PLUGIN_MIRROR, default /opt/tf-plugins), credentials are fake, every endpoint points at
# 127.0.0.1, and the provider's skip flags stop it from calling AWS. Nothing leaves the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
mirror="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/cli.tfrc" <<CFG
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
CFG
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export AWS_ACCESS_KEY_ID=AKIAEDGEPARITYFAKE AWS_SECRET_ACCESS_KEY=fake AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_ENDPOINT_URL=http://127.0.0.1:9
for dir in "${@:-test/fixtures/stacks/tf-spa test/fixtures/stacks/tf-modules test/fixtures/stacks/tf-apigw test/fixtures/stacks/tf-alb}"; do
  for d in $dir; do
    [ -d "$d" ] || continue
    copy="$work/$(basename "$d")"
    rm -rf "$copy" && cp -r "$d" "$copy" && rm -f "$copy/plan.json"
    # The provider block only `terraform plan` needs (edgeparity ignores providers): offline, no AWS calls.
    cat >"$copy/edgeparity_provider.tf" <<'TF'
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
TF
    (cd "$copy" && terraform init -input=false -no-color >/dev/null && terraform plan -input=false -no-color -lock=false -refresh=false -out=plan.out >/dev/null && terraform show -json plan.out) >"$work/plan.json"
    # Machine paths and timestamps out: the fixture is the same on every machine.
    node -e '
      const fs = require("fs");
      const doc = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
      delete doc.timestamp;
      fs.writeFileSync(process.argv[2], JSON.stringify(doc, null, 1).split(process.argv[3]).join(".") + "\n");
    ' "$work/plan.json" "$d/plan.json" "$copy"
    npx --no-install prettier --write "$d/plan.json" >/dev/null
    echo "wrote $d/plan.json"
  done
done
