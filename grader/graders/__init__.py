"""The graders: pytest modules per exercise (``public/`` shipped to students, ``hidden/`` never),
the vocabulary they are written in (``checks``), what a test declares about itself (``meta``),
the checks an exercise's tests share (``helpers``), the functions they hand to student code
(``function_specs``) and the reference model they compare with (``reference``)."""
