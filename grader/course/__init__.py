"""What every stage shares: the course definition (course.yml, the exercises), bilingual
messages, TensorFlow's quiet environment and atomic file writes."""
