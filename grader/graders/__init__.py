"""The graders: pytest modules per exercise (``public/`` shipped to students, ``hidden/`` never),
the vocabulary they are written in (``checks``), the functions they hand to student code
(``function_specs``) and the reference model they compare with (``reference``)."""
