import factory

from users.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    # Staff get names no participant can have: a random Indonesian name here once matched the participant a
    # test looked for on the page (the logged-in user's name is in the menu) and read as a leak.
    name = factory.Sequence(lambda n: f"Staf Uji {n}")
    password = factory.django.Password("pass-1234-word")
