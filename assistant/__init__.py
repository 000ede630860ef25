"""政务报告问答: answers questions about Chinese government work reports with cited paragraphs."""
