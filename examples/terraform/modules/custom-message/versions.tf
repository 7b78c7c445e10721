terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source = "hashicorp/aws"
      # logging_config (JSON logs into a log group of our own) needs 5.24 or later.
      version = ">= 5.24, < 7.0"
    }
  }
}
