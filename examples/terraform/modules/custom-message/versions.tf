terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source = "hashicorp/aws"
      # logging_config (JSON logs into a log group of our own) needs 5.32 or later (provider PR #35050).
      version = ">= 5.32, < 7.0"
    }
  }
}
