output "function_arn" {
  description = "The function's ARN: the pool's lambda_config.custom_message."
  value       = aws_lambda_function.this.arn
}

output "function_name" {
  description = "The function's name."
  value       = aws_lambda_function.this.function_name
}

output "log_group_name" {
  description = "The function's log group."
  value       = aws_cloudwatch_log_group.this.name
}
