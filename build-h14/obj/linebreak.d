build-h14/obj/linebreak.o: src/linebreak.c src/linebreak.h src/util.h
src/linebreak.h:
src/util.h:
