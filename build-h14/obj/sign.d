build-h14/obj/sign.o: src/sign.c src/sign.h src/util.h
src/sign.h:
src/util.h:
