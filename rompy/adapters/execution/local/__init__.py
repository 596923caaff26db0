"""The local executor: the model as a child process of rompy."""
