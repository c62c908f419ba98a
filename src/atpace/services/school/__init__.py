"""Running a school: classes (create, rename, archive, course, teachers), users (create, bulk CSV, deactivate,
sign-in links), enrolments and class join codes.

Who may do what (docs/admin.md): a school's administrators manage everything of their own school; a
class's teachers and co-teachers manage that class's roster (add students by e-mail, CSV or join code,
remove them, rotate the join code); students join a class with its code. Another school's rows are
"not found" (404), never "forbidden".
"""
