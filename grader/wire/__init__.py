"""The one language the trusted grader and the student's process speak: plain-data values,
length-prefixed frames and the bounded output log. Both sides import it; it imports neither."""
