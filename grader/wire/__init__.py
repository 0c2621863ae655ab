"""The one language the trusted grader and the student's process speak, imported by both sides
(it imports neither): ``values`` (values and arrays), ``requests`` (one model per operation),
``replies`` (a value or a failure), ``framing`` (length-prefixed frames), ``output`` (the
capped output log) and ``lognoise``; ``protocol`` gathers the names graders use."""
